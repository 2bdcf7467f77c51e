"""`fellowship-notifications migrate | serve`."""

from __future__ import annotations

from notifications.bootstrap import MIGRATIONS, NAME, bootstrap
from shared.service import ServiceSettings, run_cli


def main() -> None:
    run_cli(NAME, bootstrap, MIGRATIONS, settings_type=ServiceSettings)
