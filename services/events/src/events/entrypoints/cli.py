"""`fellowship-events migrate | serve`."""

from __future__ import annotations

from shared.service import run_cli

from events.bootstrap import MIGRATIONS, NAME, bootstrap


def main() -> None:
    run_cli(NAME, bootstrap, MIGRATIONS)
