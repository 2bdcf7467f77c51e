"""`fellowship-membership migrate | serve | seed-demo`."""

from __future__ import annotations

from membership.bootstrap import MIGRATIONS, NAME, MembershipSettings, bootstrap, seed_demo
from shared.service import run_cli


def main() -> None:
    run_cli(NAME, bootstrap, MIGRATIONS, settings_type=MembershipSettings, extra_commands={"seed-demo": seed_demo})
