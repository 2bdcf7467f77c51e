"""Rate-limit counters in the gateway's database (fixed one-minute windows), shared by every replica.

Strict limits (sign-in, links by e-mail, forms) count each request in the database before it is served.
The page limit, which only guards against floods, is counted in the process and added to the shared
counters every `FLUSH_SECONDS` (`PageCounter`): a request then costs no database write, and replicas see
each other's counts within that time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from datetime import datetime

import asyncpg

WINDOW_SECONDS = 60
FLUSH_SECONDS = 1.0
log = logging.getLogger(__name__)


def window_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


ADD_HITS = (
    "INSERT INTO rate_counters (key, window_start, hits)"
    " SELECT key, window_start, hits FROM unnest($1::text[], $2::timestamptz[], $3::int[]) AS h(key, window_start, hits),"
    " (SELECT set_config('synchronous_commit', 'off', true)) AS this_transaction"
    " ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counters.hits + EXCLUDED.hits"
    " RETURNING key, window_start, hits"
)
# Counts are committed without waiting for the disk (`synchronous_commit` off for that transaction only):
# a crash may forget the last fraction of a second of counts, which a limit can afford.


async def hit(pool: asyncpg.Pool, key: str, now: datetime) -> int:
    """Count one request against `key` in the current window; how many the window has seen, this one included."""
    rows = await pool.fetch(ADD_HITS, [key], [window_start(now)], [1])
    return int(rows[0]["hits"])


class PageCounter:
    """Page requests counted in this process, added to the shared counters in one statement every
    FLUSH_SECONDS. `hit` answers at once: what every replica had counted at the last flush, plus this
    process's requests since."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self._pending: Counter[tuple[str, datetime]] = Counter()
        self._shared: dict[tuple[str, datetime], int] = {}
        self.task: asyncio.Task[None] | None = None

    def hit(self, key: str, now: datetime) -> int:
        counted = (key, window_start(now))
        self._pending[counted] += 1
        return self._shared.get(counted, 0) + self._pending[counted]

    async def flush(self) -> None:
        pending, self._pending = self._pending, Counter()
        if not pending:
            return
        keys = list(pending)
        try:
            rows = await self.pool.fetch(ADD_HITS, [k for k, _ in keys], [w for _, w in keys], list(pending.values()))
        except BaseException:  # a database error or a cancellation: put the counts back (re-raised)
            self._pending.update(pending)
            raise
        current = max(w for _, w in keys)
        self._shared = {k: v for k, v in self._shared.items() if k[1] >= current}  # older windows are over
        self._shared.update({(row["key"], row["window_start"]): row["hits"] for row in rows})

    async def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="gateway-page-counter")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            try:
                await self.flush()
            except Exception:  # kept for the next flush; meanwhile this process still counts its own
                log.warning("page counts could not be written", exc_info=True)

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        try:
            await self.flush()  # the last second's counts
        except Exception:  # the database is gone while stopping: counts of one second, a limit can lose them
            log.warning("the last page counts could not be written", exc_info=True)
