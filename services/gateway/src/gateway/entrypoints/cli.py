"""`fellowship-gateway serve`."""

from __future__ import annotations

import argparse
import asyncio

from gateway.bootstrap import NAME, bootstrap
from gateway.settings import UpstreamSettings
from shared.observability import configure_logging, configure_tracing
from shared.service import LogSettings
from shared.web.server import HttpSettings, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fellowship-gateway")
    parser.add_argument("command", choices=["serve"])
    parser.parse_args(argv)
    configure_logging(NAME, LogSettings().level)
    configure_tracing(NAME)
    app, workers = bootstrap(UpstreamSettings())
    asyncio.run(serve(app, HttpSettings(), workers))
