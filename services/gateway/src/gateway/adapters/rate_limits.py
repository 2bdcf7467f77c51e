"""Rate-limit counters in the gateway's database (fixed one-minute windows), shared by every replica."""

from __future__ import annotations

from datetime import datetime

import asyncpg

WINDOW_SECONDS = 60


def window_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


async def hit(pool: asyncpg.Pool, key: str, now: datetime) -> int:
    """Count one request against `key` in the current window; how many the window has seen, this one included.

    The count is committed without waiting for the disk (`synchronous_commit` off for this one statement's
    transaction): a crash may forget the last fraction of a second of counts, which a limit can afford, and
    no request waits for a flush."""
    hits: int = await pool.fetchval(
        "INSERT INTO rate_counters (key, window_start, hits)"
        " SELECT $1, $2, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS this_transaction"
        " ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counters.hits + 1 RETURNING hits",
        key,
        window_start(now),
    )
    return hits
