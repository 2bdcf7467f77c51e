"""SQL for a member's in-app inbox: pages of entries, read marks, and what is new since a point in time.

Every query is scoped by the member: nobody reads or marks another member's entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from notifications.domain.categories import Category

_COLUMNS = "entry_id, category, template, title, body, link, created_at, read_at"

# The smallest uuid: a cursor (t, NIL) is just before every entry created at t.
NIL = UUID(int=0)
# The largest uuid: a cursor (t, MAX) is just after every entry created at t.
MAX = UUID(int=2**128 - 1)


@dataclass(frozen=True, slots=True)
class InboxEntry:
    entry_id: UUID
    category: Category
    template: str
    title: str
    body: str
    link: str | None
    created_at: datetime
    read_at: datetime | None


@dataclass(frozen=True, slots=True)
class Cursor:
    """A place in a member's inbox in (created_at, entry_id) order."""

    created_at: datetime
    entry_id: UUID


def _entry(row: asyncpg.Record) -> InboxEntry:
    return InboxEntry(**dict(row))


async def cursor_of(conn: asyncpg.Connection, member_id: UUID, entry_id: UUID) -> Cursor | None:
    """Where the member's entry `entry_id` sits; None when the member has no such entry."""
    row = await conn.fetchrow(
        "SELECT created_at, entry_id FROM inbox_entries WHERE member_id = $1 AND entry_id = $2", member_id, entry_id
    )
    return None if row is None else Cursor(row["created_at"], row["entry_id"])


async def now(conn: asyncpg.Connection) -> datetime:
    """The database's clock, the one `created_at` comes from."""
    moment: datetime = await conn.fetchval("SELECT now()")
    return moment


async def newest_first(
    conn: asyncpg.Connection, member_id: UUID, before: Cursor | None, limit: int
) -> list[InboxEntry]:
    """Up to `limit` of the member's entries, newest first, all older than `before` when given."""
    if before is None:
        before = Cursor(datetime.max.replace(tzinfo=UTC), MAX)
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM inbox_entries WHERE member_id = $1 AND (created_at, entry_id) < ($2, $3)"
        " ORDER BY created_at DESC, entry_id DESC LIMIT $4",
        member_id,
        before.created_at,
        before.entry_id,
        limit,
    )
    return [_entry(row) for row in rows]


async def oldest_first_after(conn: asyncpg.Connection, member_id: UUID, after: Cursor, limit: int) -> list[InboxEntry]:
    """Up to `limit` of the member's entries after `after`, oldest first."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM inbox_entries WHERE member_id = $1 AND (created_at, entry_id) > ($2, $3)"
        " ORDER BY created_at, entry_id LIMIT $4",
        member_id,
        after.created_at,
        after.entry_id,
        limit,
    )
    return [_entry(row) for row in rows]


async def mark_read(conn: asyncpg.Connection, member_id: UUID, entry_id: UUID) -> InboxEntry | None:
    """Mark one of the member's entries read (the first read time is kept); None when there is no such entry."""
    row = await conn.fetchrow(
        f"UPDATE inbox_entries SET read_at = coalesce(read_at, now()) WHERE member_id = $1 AND entry_id = $2"
        f" RETURNING {_COLUMNS}",
        member_id,
        entry_id,
    )
    return None if row is None else _entry(row)


async def mark_all_read(conn: asyncpg.Connection, member_id: UUID) -> int:
    """Mark every unread entry of the member read; how many were unread."""
    status: str = await conn.execute(
        "UPDATE inbox_entries SET read_at = now() WHERE member_id = $1 AND read_at IS NULL", member_id
    )
    return int(status.rsplit(" ", 1)[-1])


async def unread_count(conn: asyncpg.Connection, member_id: UUID) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM inbox_entries WHERE member_id = $1 AND read_at IS NULL", member_id
    )
    return count
