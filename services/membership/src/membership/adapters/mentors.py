"""SQL for mentor profiles (one per person and association)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from membership.domain.mentors import MentorApplication, MentorProfile, MentorStatus

_COLUMNS = (
    "member_id, association_id, status, paused, capacity, modalities, conditions, bio, applied_at, decided_at,"
    " decision_note"
)


def _profile(row: asyncpg.Record) -> MentorProfile:
    return MentorProfile.model_validate(
        {**dict(row), "modalities": list(row["modalities"]), "conditions": list(row["conditions"])}
    )


async def upsert_application(
    conn: asyncpg.Connection, member_id: UUID, association_id: UUID, application: MentorApplication
) -> MentorProfile:
    """A new application, or a fresh one replacing a rejected one."""
    row = await conn.fetchrow(
        "INSERT INTO mentor_profiles (member_id, association_id, status, capacity, modalities, conditions, bio)"
        " VALUES ($1, $2, 'applied', $3, $4, $5, $6)"
        " ON CONFLICT (member_id, association_id) DO UPDATE SET status = 'applied', paused = false,"
        " capacity = EXCLUDED.capacity, modalities = EXCLUDED.modalities, conditions = EXCLUDED.conditions,"
        " bio = EXCLUDED.bio, applied_at = now(), decided_at = NULL, decided_by = NULL, decision_note = NULL"
        f" RETURNING {_COLUMNS}",
        member_id,
        association_id,
        application.capacity,
        list(application.modalities),
        list(application.conditions),
        application.bio,
    )
    assert row is not None
    return _profile(row)


async def get_mentor(conn: asyncpg.Connection, member_id: UUID, association_id: UUID) -> MentorProfile | None:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM mentor_profiles WHERE member_id = $1 AND association_id = $2",
        member_id,
        association_id,
    )
    return None if row is None else _profile(row)


async def mentors_of_member(conn: asyncpg.Connection, member_id: UUID) -> list[MentorProfile]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM mentor_profiles WHERE member_id = $1", member_id)
    return [_profile(row) for row in rows]


async def list_by_status(
    conn: asyncpg.Connection, association_id: UUID, status: MentorStatus | None
) -> list[MentorProfile]:
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM mentor_profiles WHERE association_id = $1 AND ($2::text IS NULL OR status = $2)"
        " ORDER BY applied_at",
        association_id,
        status,
    )
    return [_profile(row) for row in rows]


async def decide(
    conn: asyncpg.Connection,
    member_id: UUID,
    association_id: UUID,
    status: MentorStatus,
    decided_by: UUID,
    note: str | None,
) -> MentorProfile:
    row = await conn.fetchrow(
        "UPDATE mentor_profiles SET status = $3, decided_at = now(), decided_by = $4, decision_note = $5"
        f" WHERE member_id = $1 AND association_id = $2 RETURNING {_COLUMNS}",
        member_id,
        association_id,
        status,
        decided_by,
        note,
    )
    assert row is not None
    return _profile(row)


async def set_paused(conn: asyncpg.Connection, member_id: UUID, association_id: UUID, paused: bool) -> None:
    await conn.execute(
        "UPDATE mentor_profiles SET paused = $3 WHERE member_id = $1 AND association_id = $2",
        member_id,
        association_id,
        paused,
    )


async def set_capacity(conn: asyncpg.Connection, member_id: UUID, association_id: UUID, capacity: int) -> None:
    await conn.execute(
        "UPDATE mentor_profiles SET capacity = $3 WHERE member_id = $1 AND association_id = $2",
        member_id,
        association_id,
        capacity,
    )


async def list_with_names(
    conn: asyncpg.Connection, association_id: UUID, status: MentorStatus
) -> list[tuple[MentorProfile, str]]:
    """Mentor profiles in this status with the person's display name, oldest application first."""
    profiles = await list_by_status(conn, association_id, status)
    rows = await conn.fetch(
        "SELECT member_id, display_name FROM accounts WHERE member_id = ANY($1::uuid[])",
        [profile.member_id for profile in profiles],
    )
    names = {row["member_id"]: row["display_name"] for row in rows}
    return [(profile, names[profile.member_id]) for profile in profiles]
