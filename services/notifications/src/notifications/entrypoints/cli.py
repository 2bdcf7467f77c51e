"""`fellowship-notifications migrate | serve`."""

from __future__ import annotations

from notifications.bootstrap import MIGRATIONS, NAME, NotificationsServiceSettings, bootstrap
from shared.service import run_cli


def main() -> None:
    run_cli(NAME, bootstrap, MIGRATIONS, settings_type=NotificationsServiceSettings)
