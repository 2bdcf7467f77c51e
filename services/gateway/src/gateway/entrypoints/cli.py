"""`fellowship-gateway serve`."""

from __future__ import annotations

from gateway.bootstrap import SPEC, bootstrap
from gateway.settings import GatewaySettings
from shared.service import run_cli


def main(argv: list[str] | None = None) -> None:
    run_cli(SPEC, bootstrap, settings_type=GatewaySettings, argv=argv)
