"""One `LISTEN inbox` connection per process, fanned out to the open inbox streams by member id.

The `inbox` channel's payload is the member id of a new inbox entry (a trigger fires it on every
insert). A notification only wakes that member's streams; each stream then reads what is new itself,
so a missed or repeated notification costs a query, never an entry. Whenever listening (re)starts,
every stream is woken, because anything inserted while nobody listened was not announced.

The listening connection is borrowed from the pool only while at least one stream is open, and given
back when the last one closes. `close()` ends every open stream cleanly (the server is stopping).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from uuid import UUID

import asyncpg

log = logging.getLogger(__name__)

CHANNEL = "inbox"


class Subscription:
    """One open stream's doorbell: rung when its member may have a new entry, or when the listener closes."""

    def __init__(self, member_id: UUID) -> None:
        self.member_id = member_id
        self.closed = False
        self._bell = asyncio.Event()

    def ring(self) -> None:
        self._bell.set()

    def close(self) -> None:
        self.closed = True
        self._bell.set()

    async def wait(self, timeout: float) -> bool:
        """True when rung (look for new entries, or stop if `closed`), False when `timeout` passed first."""
        try:
            await asyncio.wait_for(self._bell.wait(), timeout)
        except TimeoutError:
            return False
        self._bell.clear()  # rung again while the caller looks: the next wait returns at once
        return True


class InboxListener:
    """The process's listener on the `inbox` channel. Also a background worker (`start`/`stop`)."""

    def __init__(self, pool: asyncpg.Pool, *, check_interval: float = 30.0, retry_max: float = 5.0) -> None:
        self.pool = pool
        self.check_interval = check_interval  # how often the idle connection is checked to be alive
        self.retry_max = retry_max
        self._streams: dict[str, set[Subscription]] = {}
        self._changed = asyncio.Event()
        self._closed = False
        self._task: asyncio.Task[None] | None = None
        self.listening = False

    @property
    def open_streams(self) -> int:
        return sum(len(subscriptions) for subscriptions in self._streams.values())

    @contextlib.asynccontextmanager
    async def subscribe(self, member_id: UUID) -> AsyncIterator[Subscription]:
        """A subscription to `member_id`'s new entries for the life of the block (closed at once after `close`)."""
        subscription = Subscription(member_id)
        if self._closed:
            subscription.close()
            yield subscription
            return
        self._streams.setdefault(str(member_id), set()).add(subscription)
        self._changed.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="inbox-listener")
        try:
            yield subscription
        finally:
            self._forget(subscription)

    def close(self) -> None:
        """End every open stream and stop listening; new subscriptions end at once."""
        self._closed = True
        for subscriptions in self._streams.values():
            for subscription in subscriptions:
                subscription.close()
        self._changed.set()

    async def start(self) -> None:
        """Nothing to do: listening starts with the first stream."""

    async def stop(self) -> None:
        self.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # -- internals ---------------------------------------------------------------------------
    def _forget(self, subscription: Subscription) -> None:
        key = str(subscription.member_id)
        subscriptions = self._streams.get(key, set())
        subscriptions.discard(subscription)
        if not subscriptions:
            self._streams.pop(key, None)
        self._changed.set()

    def _wanted(self) -> bool:
        return bool(self._streams) and not self._closed

    def _ring_everyone(self) -> None:
        for subscriptions in self._streams.values():
            for subscription in subscriptions:
                subscription.ring()

    def _on_notify(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        for subscription in self._streams.get(payload, ()):
            subscription.ring()

    async def _run(self) -> None:
        """Listen while any stream is open; on a lost connection, wake every stream and listen again."""
        backoff = 0.1
        while self._wanted():
            try:
                await self._listen()
                backoff = 0.1
            except Exception as error:  # the database went away or the connection broke: the streams stay open
                log.warning(
                    "inbox listener interrupted; listening again", extra={"error": repr(error), "delay": backoff}
                )
                self._ring_everyone()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wait_closed(), backoff)
                backoff = min(backoff * 2, self.retry_max)

    async def _wait_closed(self) -> None:
        while not self._closed:
            self._changed.clear()
            await self._changed.wait()

    async def _listen(self) -> None:
        lost = asyncio.Event()

        def on_lost(_conn: object) -> None:
            lost.set()
            self._changed.set()

        async with self.pool.acquire() as conn:
            conn.add_termination_listener(on_lost)
            await conn.add_listener(CHANNEL, self._on_notify)
            self.listening = True
            try:
                self._ring_everyone()  # entries inserted before LISTEN took effect were not announced
                await self._hold(conn, lost)
            finally:
                self.listening = False
                with contextlib.suppress(Exception):
                    conn.remove_termination_listener(on_lost)
                    await conn.remove_listener(CHANNEL, self._on_notify)

    async def _hold(self, conn: asyncpg.Connection, lost: asyncio.Event) -> None:
        """Keep listening until no stream is open; a silently dropped connection is found by a check."""
        while self._wanted():
            if lost.is_set():
                raise ConnectionError("the inbox listener's connection was closed")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), self.check_interval)
            except TimeoutError:
                await conn.execute("SELECT 1", timeout=self.check_interval)
