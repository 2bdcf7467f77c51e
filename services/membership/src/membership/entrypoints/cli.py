"""`fellowship-membership migrate | serve | seed-demo`."""

from __future__ import annotations

from membership.bootstrap import MIGRATIONS, NAME, bootstrap, seed_demo
from shared.service import run_cli


def main() -> None:
    run_cli(NAME, bootstrap, MIGRATIONS, extra_commands={"seed-demo": seed_demo})
