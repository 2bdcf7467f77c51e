"""`fellowship-community migrate | serve`."""

from __future__ import annotations

from community.bootstrap import SPEC, bootstrap
from shared.service import ServiceSettings, run_cli


def main() -> None:
    run_cli(SPEC, bootstrap, settings_type=ServiceSettings)
