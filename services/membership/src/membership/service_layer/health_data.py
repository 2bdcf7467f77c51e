"""Use cases on health data: the ICD-10 reference, a person's own conditions and free-text health notes.

Recording health data needs the `health_data` consent; removing it never does. Every read or change
of it is audited in the same transaction. Conditions travel to other services as codes; health notes
never leave this service and are never logged.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from membership.adapters import associations, audit, consents, mentors
from membership.adapters import conditions as stored_conditions
from membership.domain.access import Actor
from membership.domain.conditions import ConditionInfo, MemberCondition, normalise_code, search
from membership.domain.consents import granted_kinds
from membership.service_layer.announcements import announce_person_fact
from membership.service_layer.profile import check_diagnosed_after_birth, own_account
from shared.contracts.membership import ConditionsChanged
from shared.errors import Conflict, InvalidInput, NotFound

MAX_QUERY = 100
MAX_RESULTS = 50


def search_conditions(query: str, limit: int) -> list[ConditionInfo]:
    """ICD-10 codes matching `query` by code prefix or description words."""
    if not query.strip():
        raise InvalidInput("give a code such as 'G43' or words such as 'migraine' to search for")
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"a search may be at most {MAX_QUERY} characters long")
    if not 1 <= limit <= MAX_RESULTS:
        raise InvalidInput(f"limit must be between 1 and {MAX_RESULTS}")
    return search(query, limit)


def condition(code: str) -> ConditionInfo:
    """One category or subcategory; 404 for anything else."""
    try:
        return ConditionInfo.of(normalise_code(code))
    except ValueError as error:
        raise NotFound(str(error)) from error


async def my_conditions(pool: asyncpg.Pool, actor: Actor) -> list[MemberCondition]:
    async with pool.acquire() as conn, conn.transaction():
        held = await stored_conditions.conditions_of(conn, actor.member_id)
        await _audit_self(conn, actor.member_id, "read", "conditions")
    return held


async def replace_conditions(pool: asyncpg.Pool, actor: Actor, held: list[MemberCondition]) -> list[MemberCondition]:
    """Replace the person's conditions (already checked: ICD-10, unique, at most 20) and publish the codes."""
    async with pool.acquire() as conn, conn.transaction():
        account = await own_account(conn, actor.member_id, lock=True)
        if held:
            await _require_health_consent(conn, actor.member_id, "record conditions")
        check_diagnosed_after_birth(held, account.profile.birth_year)
        await _keep_mentored_conditions(conn, actor.member_id, {c.code for c in held})
        await stored_conditions.replace_conditions(conn, actor.member_id, held)
        await _audit_self(conn, actor.member_id, "change", "conditions")
        changed = ConditionsChanged(
            member_id=actor.member_id,
            conditions=[c.code for c in held],
            diagnosed_in={c.code: c.diagnosed_year for c in held},
        )
        await announce_person_fact(conn, changed)
    return held


async def my_health_notes(pool: asyncpg.Pool, actor: Actor) -> str | None:
    async with pool.acquire() as conn, conn.transaction():
        notes = await stored_conditions.health_notes_of(conn, actor.member_id)
        await _audit_self(conn, actor.member_id, "read", "health_notes")
    return notes


async def replace_health_notes(pool: asyncpg.Pool, actor: Actor, notes: str | None) -> str | None:
    """Store (or, with None, clear) the notes. They stay here: no message carries them."""
    async with pool.acquire() as conn, conn.transaction():
        await own_account(conn, actor.member_id, lock=True)
        if notes is not None:
            await _require_health_consent(conn, actor.member_id, "keep health notes")
        await stored_conditions.set_health_notes(conn, actor.member_id, notes)
        await _audit_self(conn, actor.member_id, "change", "health_notes")
    return notes


async def _require_health_consent(conn: asyncpg.Connection, member_id: UUID, doing: str) -> None:
    if "health_data" not in granted_kinds(await consents.current(conn, member_id)):
        raise Conflict(
            f"to {doing}, first give your consent to the processing of your health data (consent 'health_data')"
        )


async def _keep_mentored_conditions(conn: asyncpg.Connection, member_id: UUID, kept: set[str]) -> None:
    """409 when a live mentor profile mentors for a condition being removed: a mentor lives with what they mentor."""
    for profile in await mentors.mentors_of_member(conn, member_id):
        missing = sorted(set(profile.conditions) - kept)
        if profile.status in ("applied", "approved") and missing:
            association = await associations.get_association(conn, profile.association_id)
            name = association.name if association else str(profile.association_id)
            raise Conflict(
                f"you mentor for {', '.join(missing)} in {name}; change your mentor profile there"
                " before removing these conditions",
                extra={"association_id": str(profile.association_id), "codes": missing},
            )


async def _audit_self(
    conn: asyncpg.Connection, member_id: UUID, action: audit.Action, resource: audit.Resource
) -> None:
    await audit.record(conn, actor_id=member_id, subject_id=member_id, action=action, resource=resource)
