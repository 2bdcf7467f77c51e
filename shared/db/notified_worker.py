"""A background worker woken by a PostgreSQL NOTIFY channel, with a poll as a fallback.

Subclasses implement `work(listener)`: one round of work, returning how many seconds to idle before
the next round unless woken first. The loop keeps one pooled connection LISTENing and checks it after
every round (a connection killed by a fail-over or an idle timeout is replaced and listens again),
survives any failure (logged, then restarted with backoff) and stops promptly on `stop()`. The outbox
relay, the matcher and the e-mail sender are its subclasses. An optional debounce
waits a little after a wake-up, so a burst of changes is handled in one round.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

log = logging.getLogger(__name__)


class NotifiedWorker:
    def __init__(
        self, pool: asyncpg.Pool, *, channel: str, name: str, max_backoff: float, debounce: float = 0.0
    ) -> None:
        self.pool = pool
        self.channel = channel
        self.name = name
        self.max_backoff = max_backoff
        self.debounce = debounce
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def enabled(self) -> bool:
        """Whether `start` runs the loop in this process."""
        return True

    async def work(self, listener: asyncpg.Connection) -> float:
        """One round; returns how long to idle (seconds) unless woken. `listener` may run short queries."""
        raise NotImplementedError

    async def start(self) -> None:
        if self.enabled and self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        """Run a round soon (after the debounce)."""
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def _run(self) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            try:
                await self._listen_and_work()
            except Exception:  # a background worker outlives any one failure: log it, wait, start again
                log.exception(f"{self.name} interrupted; starting again", extra={"delay": backoff})
                await self.pause(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    async def _listen_and_work(self) -> None:
        async with self.pool.acquire() as listener:
            await listener.add_listener(self.channel, self._on_notify)
            try:
                while not self._stopping.is_set():
                    self._wake.clear()  # what changes from now on asks for the next round
                    await self._idle(await self.work(listener))
                    # A LISTEN connection that died hears nothing: prove it alive each round, or the loop
                    # starts again on a fresh connection and listens anew.
                    await listener.execute("SELECT 1")
            finally:
                with contextlib.suppress(Exception):
                    await listener.remove_listener(self.channel, self._on_notify)

    async def _idle(self, seconds: float) -> None:
        """Until woken (then the debounce) or `seconds` pass."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        if self.debounce and self._wake.is_set() and not self._stopping.is_set():
            await self.pause(self.debounce)

    async def pause(self, seconds: float) -> None:
        """Sleep `seconds`; only a stop cuts it short."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()
