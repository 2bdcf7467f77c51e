"""`fellowship-notifications migrate | serve`."""

from __future__ import annotations

from notifications.bootstrap import SPEC, NotificationsServiceSettings, bootstrap
from shared.service import run_cli


def main() -> None:
    run_cli(SPEC, bootstrap, settings_type=NotificationsServiceSettings)
