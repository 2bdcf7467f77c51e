"""SQL for an association's member directory: who is in it, found by name or e-mail. No health data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg

from membership.adapters import memberships
from membership.domain.memberships import Membership, Status
from shared.contracts.membership import Role

_SELECT = memberships.columns("m")

# The status a reader sees, as `Membership.status` computes it; repeated here so the directory can be
# filtered and paged by it in the database. tests/integration/test_admin.py checks that they agree.
_SHOWN_STATUS = "CASE WHEN m.status = 'active' AND m.expires_on < $2 THEN 'expired' ELSE m.status END"

_FILTER = (
    " FROM memberships m JOIN accounts a USING (member_id) WHERE m.association_id = $1"
    " AND ($3::text IS NULL OR strpos(lower(a.display_name), lower($3)) > 0 OR strpos(lower(a.email), lower($3)) > 0)"
    f" AND ($4::text IS NULL OR {_SHOWN_STATUS} = $4)"
    " AND ($5::text IS NULL OR $5 = ANY(m.roles))"
)


@dataclass(frozen=True)
class DirectoryEntry:
    membership: Membership
    display_name: str
    email: str


@dataclass(frozen=True)
class DirectoryQuery:
    """Contains `text` in the name or e-mail (case-insensitive), has this status (as of `today`) and role."""

    today: date
    text: str | None = None
    status: Status | None = None
    role: Role | None = None


def _entry(row: asyncpg.Record) -> DirectoryEntry:
    return DirectoryEntry(membership=memberships.from_row(row), display_name=row["display_name"], email=row["email"])


async def search(
    conn: asyncpg.Connection, association_id: UUID, query: DirectoryQuery, *, limit: int, offset: int
) -> tuple[list[DirectoryEntry], int]:
    """One page of matching members ordered by name, and how many match in all."""
    params = (association_id, query.today, query.text or None, query.status, query.role)
    total: int = await conn.fetchval(f"SELECT count(*){_FILTER}", *params)
    rows = await conn.fetch(
        f"SELECT {_SELECT}, a.display_name, a.email{_FILTER}"
        " ORDER BY lower(a.display_name), m.member_id LIMIT $6 OFFSET $7",
        *params,
        limit,
        offset,
    )
    return [_entry(row) for row in rows], total


_ONE = f"SELECT {_SELECT}, a.display_name, a.email FROM memberships m JOIN accounts a USING (member_id)"


async def entry(conn: asyncpg.Connection, association_id: UUID, member_id: UUID) -> DirectoryEntry | None:
    row = await conn.fetchrow(f"{_ONE} WHERE m.association_id = $1 AND m.member_id = $2", association_id, member_id)
    return None if row is None else _entry(row)


async def entry_by_email(conn: asyncpg.Connection, association_id: UUID, email: str) -> DirectoryEntry | None:
    row = await conn.fetchrow(
        f"{_ONE} WHERE m.association_id = $1 AND lower(a.email) = lower($2)", association_id, email
    )
    return None if row is None else _entry(row)


async def registered_emails(conn: asyncpg.Connection, emails: Iterable[str]) -> set[str]:
    """Which of these (lower-cased) e-mail addresses already have an account."""
    rows = await conn.fetch(
        "SELECT lower(email) AS email FROM accounts WHERE lower(email) = ANY($1::text[])", list(emails)
    )
    return {row["email"] for row in rows}
