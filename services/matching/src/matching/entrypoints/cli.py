"""`fellowship-matching migrate | serve`."""

from __future__ import annotations

from matching.bootstrap import MIGRATIONS, NAME, MatchingSettings, bootstrap
from shared.service import run_cli


def main() -> None:
    run_cli(NAME, bootstrap, MIGRATIONS, settings_type=MatchingSettings)
