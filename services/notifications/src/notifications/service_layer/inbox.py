"""Use cases of a member's in-app inbox: read it page by page, mark entries read, and follow it live."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from notifications.adapters import inbox
from notifications.adapters.inbox import MAX, NIL, Cursor, InboxEntry
from notifications.adapters.inbox_listener import InboxListener, Subscription
from shared.errors import DomainError, NotFound

log = logging.getLogger(__name__)

# An entry's created_at is when its transaction began, so one entry can become visible after a newer one:
# a stream looks back this far behind the newest entry it has seen, and skips what it already sent.
LOOKBACK = timedelta(seconds=60)
BATCH = 100


@dataclass(frozen=True, slots=True)
class InboxPage:
    entries: list[InboxEntry]
    next_before: UUID | None  # pass as `before` for the next (older) page; None on the last page


async def read_page(pool: asyncpg.Pool, member_id: UUID, before: UUID | None, limit: int) -> InboxPage:
    """The member's entries, newest first, older than the entry `before` when given."""
    async with pool.acquire() as conn:
        cursor = None
        if before is not None:
            cursor = await inbox.cursor_of(conn, member_id, before)
            if cursor is None:
                raise DomainError(
                    f"'before' must be the id of an entry in your inbox (the next_before of a page); {before} is not"
                )
        entries = await inbox.newest_first(conn, member_id, cursor, limit + 1)
    more = len(entries) > limit
    return InboxPage(entries[:limit], entries[limit - 1].entry_id if more else None)


async def mark_read(pool: asyncpg.Pool, member_id: UUID, entry_id: UUID) -> InboxEntry:
    async with pool.acquire() as conn:
        entry = await inbox.mark_read(conn, member_id, entry_id)
    if entry is None:
        raise NotFound(f"there is no entry {entry_id} in your inbox")
    return entry


async def mark_all_read(pool: asyncpg.Pool, member_id: UUID) -> int:
    """Mark everything read; how many entries were unread."""
    async with pool.acquire() as conn:
        return await inbox.mark_all_read(conn, member_id)


async def unread_count(pool: asyncpg.Pool, member_id: UUID) -> int:
    async with pool.acquire() as conn:
        return await inbox.unread_count(conn, member_id)


# -- following the inbox live ------------------------------------------------------------------------
class _Sent:
    """The entries a stream has sent (or its client already had), within LOOKBACK of the newest."""

    def __init__(self, newest: datetime) -> None:
        self.newest = newest
        self._ids: dict[UUID, datetime] = {}

    @property
    def window_start(self) -> Cursor:
        return Cursor(self.newest - LOOKBACK, NIL)

    def admit(self, entry: InboxEntry) -> bool:
        """Whether `entry` is new to the stream; from now on it is not."""
        if entry.entry_id in self._ids:
            return False
        self._ids[entry.entry_id] = entry.created_at
        self.newest = max(self.newest, entry.created_at)
        return True

    def forget_old(self) -> None:
        start = self.window_start.created_at
        self._ids = {entry_id: created for entry_id, created in self._ids.items() if created >= start}


async def _unsent(
    pool: asyncpg.Pool, member_id: UUID, sent: _Sent, *, after: Cursor | None = None
) -> AsyncIterator[InboxEntry]:
    """Entries of the member the stream has not sent, oldest first; those up to `after` are only noted.

    No connection is held while the caller sends what it got."""
    cursor = sent.window_start
    while True:
        async with pool.acquire() as conn:
            batch = await inbox.oldest_first_after(conn, member_id, cursor, BATCH)
        for entry in batch:
            if sent.admit(entry) and (
                after is None or (entry.created_at, entry.entry_id) > (after.created_at, after.entry_id)
            ):
                yield entry
        if len(batch) < BATCH:
            break
        cursor = Cursor(batch[-1].created_at, batch[-1].entry_id)
    sent.forget_old()


async def _starting_point(pool: asyncpg.Pool, member_id: UUID, last_event_id: UUID | None) -> Cursor:
    """After the entry the client saw last (EventSource's Last-Event-ID), else after everything there is now."""
    async with pool.acquire() as conn:
        if last_event_id is not None and (cursor := await inbox.cursor_of(conn, member_id, last_event_id)):
            return cursor
        return Cursor(await inbox.now(conn), MAX)


async def follow(
    pool: asyncpg.Pool,
    listener: InboxListener,
    member_id: UUID,
    *,
    last_event_id: UUID | None,
    keepalive: float,
    lifetime: float,
) -> AsyncIterator[InboxEntry | None]:
    """The member's new entries as they are created; None once the stream is ready and after each `keepalive`
    seconds without an entry. Ends after `lifetime` seconds (when the caller's token expires), when the listener
    closes (the server stops), or when the database fails (the client reconnects with its Last-Event-ID)."""
    deadline = time.monotonic() + lifetime
    async with listener.subscribe(member_id) as subscription:
        try:
            start = await _starting_point(pool, member_id, last_event_id)
            sent = _Sent(start.created_at)
            async for entry in _unsent(pool, member_id, sent, after=start):
                yield entry
            yield None
            while (woken := await _wait(subscription, keepalive, deadline)) is not None:
                if not woken:
                    yield None
                    continue
                async for entry in _unsent(pool, member_id, sent):
                    yield entry
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            log.warning("inbox stream ended: the database is unavailable", exc_info=True)


async def _wait(subscription: Subscription, keepalive: float, deadline: float) -> bool | None:
    """True when the subscription rang, False when `keepalive` passed first, None when the stream should end."""
    remaining = deadline - time.monotonic()
    if remaining <= 0 or subscription.closed:
        return None
    rang = await subscription.wait(min(keepalive, remaining))
    if subscription.closed or time.monotonic() >= deadline:
        return None
    return rang
