"""Demo data for `make run` (rewritten with the membership use cases)."""

from __future__ import annotations

import asyncpg


async def load_demo_data(pool: asyncpg.Pool) -> int:
    return 0
