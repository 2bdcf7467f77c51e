"""SQL for the directory of members notifications can reach: contacts and membership facts.

Nothing is written for a member who was erased (`erased_members`), so a late or replayed message
cannot bring their details back.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import asyncpg

from shared.contracts.membership import ContactUpdated, MemberJoined

_NOT_ERASED = "NOT EXISTS (SELECT 1 FROM erased_members e WHERE e.member_id = $1)"


async def upsert_contact(conn: asyncpg.Connection, contact: ContactUpdated) -> None:
    await conn.execute(
        "INSERT INTO directory (member_id, association_id, associations, display_name, email, locale)"
        f" SELECT $1, $2, ARRAY[$2::uuid], $3, $4, $5 WHERE {_NOT_ERASED}"
        " ON CONFLICT (member_id) DO UPDATE SET display_name = EXCLUDED.display_name, email = EXCLUDED.email,"
        " locale = EXCLUDED.locale, updated_at = now()",
        contact.member_id,
        contact.association_id,
        contact.display_name,
        contact.email,
        contact.locale,
    )


async def upsert_membership(conn: asyncpg.Connection, joined: MemberJoined) -> None:
    """A member joined an association: their time zone and consents, and one more association."""
    await conn.execute(
        "INSERT INTO directory (member_id, association_id, associations, time_zone, consents, membership_known)"
        f" SELECT $1, $2, ARRAY[$2::uuid], $3, $4, true WHERE {_NOT_ERASED}"
        " ON CONFLICT (member_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, consents = EXCLUDED.consents,"
        " membership_known = true,"
        " associations = ARRAY(SELECT DISTINCT unnest(directory.associations || EXCLUDED.associations)),"
        " active = true, updated_at = now()",
        joined.member_id,
        joined.association_id,
        joined.time_zone,
        list(joined.consents),
    )


async def set_time_zone(conn: asyncpg.Connection, member_id: UUID, time_zone: str) -> None:
    await conn.execute(
        "UPDATE directory SET time_zone = $2, updated_at = now() WHERE member_id = $1", member_id, time_zone
    )


async def set_consent(conn: asyncpg.Connection, member_id: UUID, kind: str, granted: bool) -> None:
    await conn.execute(
        "UPDATE directory SET consents = CASE WHEN $3 THEN ARRAY(SELECT DISTINCT unnest(consents || ARRAY[$2]))"
        " ELSE array_remove(consents, $2) END, updated_at = now() WHERE member_id = $1",
        member_id,
        kind,
        granted,
    )


async def leave(conn: asyncpg.Connection, member_id: UUID, association_id: UUID) -> None:
    """The member left one association; they stay reachable while they belong to another."""
    await conn.execute(
        "UPDATE directory SET associations = array_remove(associations, $2),"
        " active = cardinality(array_remove(associations, $2)) > 0, updated_at = now() WHERE member_id = $1",
        member_id,
        association_id,
    )


async def display_names(conn: asyncpg.Connection, member_ids: Iterable[UUID]) -> dict[UUID, str]:
    rows = await conn.fetch(
        "SELECT member_id, display_name FROM directory WHERE member_id = ANY($1::uuid[]) AND display_name IS NOT NULL",
        list(member_ids),
    )
    return {row["member_id"]: row["display_name"] for row in rows}


async def is_erased(conn: asyncpg.Connection, member_id: UUID) -> bool:
    erased: bool = await conn.fetchval("SELECT EXISTS (SELECT 1 FROM erased_members WHERE member_id = $1)", member_id)
    return erased
