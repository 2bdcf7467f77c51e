"""`fellowship-matching migrate | serve`."""

from __future__ import annotations

from matching.bootstrap import SPEC, MatchingSettings, bootstrap
from shared.service import run_cli


def main() -> None:
    run_cli(SPEC, bootstrap, settings_type=MatchingSettings)
