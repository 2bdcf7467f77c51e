"""SQL for the append-only consent ledger."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from membership.domain.consents import ConsentRecord


def _record(row: asyncpg.Record) -> ConsentRecord:
    return ConsentRecord(
        kind=row["kind"], granted=row["granted"], version=row["version"], recorded_at=row["recorded_at"]
    )


async def append(conn: asyncpg.Connection, member_id: UUID, kind: str, granted: bool, version: str) -> ConsentRecord:
    row = await conn.fetchrow(
        "INSERT INTO consents (member_id, kind, granted, version) VALUES ($1, $2, $3, $4)"
        " RETURNING kind, granted, version, recorded_at",
        member_id,
        kind,
        granted,
        version,
    )
    assert row is not None
    return _record(row)


async def current(conn: asyncpg.Connection, member_id: UUID) -> list[ConsentRecord]:
    """The latest record of each kind of consent."""
    rows = await conn.fetch(
        "SELECT DISTINCT ON (kind) kind, granted, version, recorded_at FROM consents WHERE member_id = $1"
        " ORDER BY kind, id DESC",
        member_id,
    )
    return [_record(row) for row in rows]


async def history(conn: asyncpg.Connection, member_id: UUID) -> list[ConsentRecord]:
    rows = await conn.fetch(
        "SELECT kind, granted, version, recorded_at FROM consents WHERE member_id = $1 ORDER BY id", member_id
    )
    return [_record(row) for row in rows]
