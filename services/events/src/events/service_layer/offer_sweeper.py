"""The background worker that lets offered places pass on when their deadline comes, sends reminders, and marks
events whose last meeting is over as held (asking those who joined for their feedback).

Every replica may run it: each lapse is decided under the event row's lock and re-checked there, and the
places to remind are locked and skipped by another sweeper, so nothing is done twice. It sleeps until the
next offer's deadline, at most `longest_sleep` (30 s): an offer lapses, and a reminder goes out, within that
bound of its time, and an idle service does not poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

import asyncpg

from events.service_layer import registrations
from shared.dependencies import Clock, utc_now

log = logging.getLogger(__name__)


class OfferSweeper:
    def __init__(self, pool: asyncpg.Pool, *, clock: Clock = utc_now, longest_sleep: float = 30.0) -> None:
        self.pool = pool
        self.clock = clock
        self.longest_sleep = longest_sleep
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="events-offer-sweeper")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def _run(self) -> None:
        while True:
            try:
                await registrations.expire_due_offers(self.pool, clock=self.clock)
                await registrations.send_due_reminders(self.pool, clock=self.clock)
                await registrations.mark_held(self.pool, clock=self.clock)
                deadline = await registrations.next_offer_deadline(self.pool)
            except Exception:  # the database may be restarting: offers wait, and the next round tries again
                log.warning("offer sweep failed", exc_info=True)
                deadline = None
            until = (deadline - self.clock()) if deadline is not None else timedelta(seconds=self.longest_sleep)
            await asyncio.sleep(min(max(until.total_seconds(), 0.2), self.longest_sleep))
