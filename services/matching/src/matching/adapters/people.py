"""SQL for matching's read model of people, their memberships and mentors (from `membership.member.v1`).

People are federation-wide (one row per person); memberships and mentors are per association. Conditions
are stored as `{code: year of diagnosis or null}`, availability as the contract's windows in JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import asyncpg

from shared.contracts.membership import (
    AvailabilityWindow,
    ConsentKind,
    Gender,
    Icd10Code,
    MemberJoined,
    MentorApproved,
    Role,
)


def conditions_json(codes: Sequence[Icd10Code], diagnosed_in: dict[Icd10Code, int]) -> dict[str, int | None]:
    return {code: diagnosed_in.get(code) for code in codes}


def availability_json(windows: Sequence[AvailabilityWindow]) -> list[dict[str, Any]]:
    return [window.model_dump(mode="json") for window in windows]


async def upsert_person(conn: asyncpg.Connection, joined: MemberJoined) -> None:
    """The person as the snapshot of `member.joined` describes them (the latest snapshot wins)."""
    await conn.execute(
        "INSERT INTO people (member_id, languages, time_zone, is_caregiver, birth_year, gender, conditions,"
        " availability, consents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (member_id) DO UPDATE SET languages = EXCLUDED.languages, time_zone = EXCLUDED.time_zone,"
        " is_caregiver = EXCLUDED.is_caregiver, birth_year = EXCLUDED.birth_year, gender = EXCLUDED.gender,"
        " conditions = EXCLUDED.conditions, availability = EXCLUDED.availability, consents = EXCLUDED.consents,"
        " updated_at = now()",
        joined.member_id,
        joined.languages,
        joined.time_zone,
        joined.is_caregiver,
        joined.birth_year,
        joined.gender,
        conditions_json(joined.conditions, joined.diagnosed_in),
        availability_json(joined.availability),
        sorted(set(joined.consents)),
    )


async def upsert_membership(conn: asyncpg.Connection, joined: MemberJoined) -> None:
    await conn.execute(
        "INSERT INTO member_associations (member_id, association_id, roles, federation_matching_allowed, active)"
        " VALUES ($1, $2, $3, $4, true) ON CONFLICT (member_id, association_id) DO UPDATE SET roles = EXCLUDED.roles,"
        " federation_matching_allowed = EXCLUDED.federation_matching_allowed, active = true",
        joined.member_id,
        joined.association_id,
        list(joined.roles),
        joined.federation_matching_allowed,
    )


async def is_active_member(conn: asyncpg.Connection, member_id: UUID, association_id: UUID) -> bool:
    active: bool | None = await conn.fetchval(
        "SELECT active FROM member_associations WHERE member_id = $1 AND association_id = $2",
        member_id,
        association_id,
    )
    return bool(active)


async def deactivate_membership(conn: asyncpg.Connection, member_id: UUID, association_id: UUID) -> None:
    await conn.execute(
        "UPDATE member_associations SET active = false WHERE member_id = $1 AND association_id = $2",
        member_id,
        association_id,
    )


async def set_roles(conn: asyncpg.Connection, member_id: UUID, association_id: UUID, roles: Sequence[Role]) -> None:
    await conn.execute(
        "UPDATE member_associations SET roles = $3 WHERE member_id = $1 AND association_id = $2",
        member_id,
        association_id,
        list(roles),
    )


async def update_profile(
    conn: asyncpg.Connection,
    member_id: UUID,
    *,
    languages: Sequence[str],
    time_zone: str,
    is_caregiver: bool,
    birth_year: int | None,
    gender: Gender | None,
) -> None:
    await conn.execute(
        "UPDATE people SET languages = $2, time_zone = $3, is_caregiver = $4, birth_year = $5, gender = $6,"
        " updated_at = now() WHERE member_id = $1",
        member_id,
        list(languages),
        time_zone,
        is_caregiver,
        birth_year,
        gender,
    )


async def update_conditions(conn: asyncpg.Connection, member_id: UUID, conditions: dict[str, int | None]) -> None:
    await conn.execute(
        "UPDATE people SET conditions = $2, updated_at = now() WHERE member_id = $1", member_id, conditions
    )


async def update_availability(
    conn: asyncpg.Connection, member_id: UUID, time_zone: str, windows: Sequence[AvailabilityWindow]
) -> None:
    await conn.execute(
        "UPDATE people SET time_zone = $2, availability = $3, updated_at = now() WHERE member_id = $1",
        member_id,
        time_zone,
        availability_json(windows),
    )


async def set_consent(conn: asyncpg.Connection, member_id: UUID, kind: ConsentKind, granted: bool) -> bool:
    """Grant or withdraw one consent; True when the person is known. Locks the person's row, which the
    matcher also locks (shared) before it proposes: a proposal never slips past a withdrawal."""
    status: str = await conn.execute(
        "UPDATE people SET consents = CASE WHEN $3 THEN ARRAY(SELECT DISTINCT unnest(array_append(consents, $2)))"
        " ELSE array_remove(consents, $2) END, updated_at = now() WHERE member_id = $1",
        member_id,
        kind,
        granted,
    )
    return status != "UPDATE 0"


async def lock_person(conn: asyncpg.Connection, member_id: UUID) -> bool:
    """Lock the person's row for the transaction (the matcher waits before proposing them); False if unknown."""
    found: UUID | None = await conn.fetchval("SELECT member_id FROM people WHERE member_id = $1 FOR UPDATE", member_id)
    return found is not None


async def delete_person(conn: asyncpg.Connection, member_id: UUID) -> None:
    """The person, their memberships and mentor rows (cascade)."""
    await conn.execute("DELETE FROM people WHERE member_id = $1", member_id)


async def upsert_mentor(conn: asyncpg.Connection, approved: MentorApproved) -> None:
    """An approved mentor of one association; their places taken (`load`) are kept on re-approval. Approval
    implies the mentor role (membership also says so with `member.roles_changed`)."""
    await conn.execute(
        "INSERT INTO mentors (member_id, association_id, conditions, diagnosed_in, capacity, modalities)"
        " SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM people WHERE member_id = $1)"
        " ON CONFLICT (member_id, association_id) DO UPDATE SET conditions = EXCLUDED.conditions,"
        " diagnosed_in = EXCLUDED.diagnosed_in, capacity = EXCLUDED.capacity, modalities = EXCLUDED.modalities,"
        " paused = false",
        approved.member_id,
        approved.association_id,
        approved.conditions,
        conditions_json(approved.conditions, approved.diagnosed_in),
        approved.capacity,
        list(approved.modalities),
    )
    await conn.execute(
        "UPDATE member_associations SET roles = array_append(roles, 'mentor')"
        " WHERE member_id = $1 AND association_id = $2 AND NOT 'mentor' = ANY(roles)",
        approved.member_id,
        approved.association_id,
    )


async def set_paused(conn: asyncpg.Connection, member_id: UUID, association_id: UUID, paused: bool) -> None:
    await conn.execute(
        "UPDATE mentors SET paused = $3 WHERE member_id = $1 AND association_id = $2", member_id, association_id, paused
    )


async def set_capacity(conn: asyncpg.Connection, member_id: UUID, association_id: UUID, capacity: int) -> None:
    """A lower capacity than the current load is allowed: no new proposal until the load drains below it."""
    await conn.execute(
        "UPDATE mentors SET capacity = $3 WHERE member_id = $1 AND association_id = $2",
        member_id,
        association_id,
        capacity,
    )
