"""SQL for memberships: who belongs to which association, with which roles and status."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg

from membership.domain.memberships import Membership

_COLUMNS = (
    "member_id, association_id, roles, status, requested_at, joined_at, left_at, renewed_on, expires_on, wants_mentor"
)


def _membership(row: asyncpg.Record) -> Membership:
    return Membership(
        member_id=row["member_id"],
        association_id=row["association_id"],
        roles=list(row["roles"]),
        stored_status=row["status"],
        requested_at=row["requested_at"],
        joined_at=row["joined_at"],
        left_at=row["left_at"],
        renewed_on=row["renewed_on"],
        expires_on=row["expires_on"],
        wants_mentor=row["wants_mentor"],
    )


async def memberships_of(conn: asyncpg.Connection, member_id: UUID) -> list[Membership]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM memberships WHERE member_id = $1 ORDER BY requested_at", member_id)
    return [_membership(row) for row in rows]


async def get_membership(conn: asyncpg.Connection, member_id: UUID, association_id: UUID) -> Membership | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM memberships WHERE member_id = $1 AND association_id = $2", member_id, association_id
    )
    return None if row is None else _membership(row)


async def is_announced(conn: asyncpg.Connection, member_id: UUID) -> bool:
    """Whether other services know this person: a membership of theirs became active at least once."""
    known: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM memberships WHERE member_id = $1 AND joined_at IS NOT NULL)", member_id
    )
    return known


async def request_membership(
    conn: asyncpg.Connection,
    member_id: UUID,
    association_id: UUID,
    *,
    active: bool,
    roles: list[str],
    wants_mentor: bool = False,
) -> Membership:
    """A new (or renewed, after leaving) membership, active at once or pending approval."""
    row = await conn.fetchrow(
        "INSERT INTO memberships (member_id, association_id, roles, status, joined_at, wants_mentor)"
        " VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'active' THEN now() END, $5)"
        " ON CONFLICT (member_id, association_id) DO UPDATE SET status = EXCLUDED.status, roles = EXCLUDED.roles,"
        " requested_at = now(), left_at = NULL, joined_at = COALESCE(memberships.joined_at, EXCLUDED.joined_at),"
        f" wants_mentor = EXCLUDED.wants_mentor RETURNING {_COLUMNS}",
        member_id,
        association_id,
        roles,
        "active" if active else "pending",
        wants_mentor,
    )
    assert row is not None
    return _membership(row)


async def activate(conn: asyncpg.Connection, member_id: UUID, association_id: UUID) -> Membership:
    row = await conn.fetchrow(
        "UPDATE memberships SET status = 'active', joined_at = COALESCE(joined_at, now())"
        f" WHERE member_id = $1 AND association_id = $2 RETURNING {_COLUMNS}",
        member_id,
        association_id,
    )
    assert row is not None
    return _membership(row)


async def leave(conn: asyncpg.Connection, member_id: UUID, association_id: UUID) -> None:
    await conn.execute(
        "UPDATE memberships SET status = 'left', left_at = now() WHERE member_id = $1 AND association_id = $2",
        member_id,
        association_id,
    )


async def set_roles(conn: asyncpg.Connection, member_id: UUID, association_id: UUID, roles: list[str]) -> None:
    await conn.execute(
        "UPDATE memberships SET roles = $3 WHERE member_id = $1 AND association_id = $2",
        member_id,
        association_id,
        roles,
    )


async def lock_membership(conn: asyncpg.Connection, member_id: UUID, association_id: UUID) -> Membership | None:
    """The membership, locked until the transaction ends, so changes to one membership happen one at a time."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM memberships WHERE member_id = $1 AND association_id = $2 FOR UPDATE",
        member_id,
        association_id,
    )
    return None if row is None else _membership(row)


async def lock_admins(conn: asyncpg.Connection, association_id: UUID) -> list[Membership]:
    """Active memberships holding the admin role, locked: two admins demoting each other cannot both succeed."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM memberships WHERE association_id = $1 AND status = 'active'"
        " AND 'admin' = ANY(roles) ORDER BY member_id FOR UPDATE",
        association_id,
    )
    return [_membership(row) for row in rows]


async def admin_ids(conn: asyncpg.Connection, association_id: UUID) -> list[UUID]:
    """The association's active admins (as this transaction sees them), without locking them."""
    rows = await conn.fetch(
        "SELECT member_id FROM memberships WHERE association_id = $1 AND status = 'active' AND 'admin' = ANY(roles)"
        " AND (expires_on IS NULL OR expires_on >= current_date) ORDER BY member_id",
        association_id,
    )
    return [row["member_id"] for row in rows]


async def set_renewal(
    conn: asyncpg.Connection, member_id: UUID, association_id: UUID, renewed_on: date, expires_on: date
) -> Membership:
    row = await conn.fetchrow(
        "UPDATE memberships SET renewed_on = $3, expires_on = $4 WHERE member_id = $1 AND association_id = $2"
        f" RETURNING {_COLUMNS}",
        member_id,
        association_id,
        renewed_on,
        expires_on,
    )
    assert row is not None
    return _membership(row)


def columns(alias: str) -> str:
    """The membership columns qualified by a table alias, for queries that join memberships with other tables."""
    return ", ".join(f"{alias}.{column}" for column in _COLUMNS.split(", "))


def from_row(row: asyncpg.Record) -> Membership:
    """A membership from a joined query that selected `columns(alias)`."""
    return _membership(row)
