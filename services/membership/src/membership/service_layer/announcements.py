"""What membership tells other services, staged in the outbox inside the caller's transaction.

Other services first hear of a person when one of their memberships becomes active (`member.joined`,
with a full snapshot, and their contact record). Person facts (profile, conditions, availability,
consent) are published only for people already announced: before that, no one else needs them.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from membership.adapters import accounts, availability, conditions, consents, memberships
from membership.domain.associations import Association
from membership.domain.consents import granted_kinds
from shared.contracts.membership import ContactUpdated, MemberErased, MemberJoined, PersonMessage, Role
from shared.contracts.topics import Topic
from shared.db.outbox import enqueue, enqueue_tombstone


async def lock_person(conn: asyncpg.Connection, member_id: UUID) -> bool:
    """Take the person's lock for the transaction; False when they no longer exist.

    Every message built from a person's state (their snapshot at joining, their conditions at a mentor's
    approval, a consent, a profile change) is built under this lock, and every writer takes it before any
    lock on one of the person's memberships: one lock order, so a consent withdrawal that races an approval
    either waits for the snapshot (and is then published after it) or is in it.
    """
    return await accounts.lock_account(conn, member_id)


async def announce_joined(
    conn: asyncpg.Connection,
    member_id: UUID,
    association: Association,
    roles: list[Role],
    *,
    wants_mentor: bool = False,
) -> None:
    """`member.joined` with everything a consumer needs, then the contact record. The caller holds the
    person's lock (`lock_person`)."""
    account = await accounts.get_account(conn, member_id)
    assert account is not None
    held = await conditions.conditions_of(conn, member_id)
    windows = await availability.windows_of(conn, member_id)
    profile = account.profile
    joined = MemberJoined(
        member_id=member_id,
        association_id=association.association_id,
        roles=roles,
        languages=profile.languages,
        time_zone=profile.time_zone,
        conditions=[c.code for c in held],
        diagnosed_in={c.code: c.diagnosed_year for c in held},
        is_caregiver=profile.is_caregiver,
        birth_year=profile.birth_year,
        gender=profile.gender,
        availability=[w.message() for w in windows],
        consents=granted_kinds(await consents.current(conn, member_id)),
        federation_matching_allowed=association.federation_matching,
        wants_mentor=wants_mentor,
    )
    await enqueue(conn, joined)
    await announce_contact(conn, member_id)


async def announce_contact(conn: asyncpg.Connection, member_id: UUID) -> None:
    """The person's name, e-mail and locale on the contact topic, if they are announced."""
    first = await _first_association(conn, member_id)
    account = await accounts.get_account(conn, member_id)
    if first is None or account is None:
        return
    contact = ContactUpdated(
        member_id=member_id,
        association_id=first,
        display_name=account.profile.display_name,
        email=account.email,
        locale=account.profile.locale,
    )
    await enqueue(conn, contact)


async def announce_person_fact(conn: asyncpg.Connection, fact: PersonMessage) -> bool:
    """Publish a federation-wide fact about a person, if other services know them; True when staged."""
    if not await memberships.is_announced(conn, fact.member_id):
        return False
    await enqueue(conn, fact)
    return True


async def announce_erasure(conn: asyncpg.Connection, member_id: UUID) -> None:
    """`member.erased` for every association that knew the person, and a tombstone for their contact."""
    known_in = [m.association_id for m in await memberships.memberships_of(conn, member_id) if m.announced]
    for association_id in known_in:
        await enqueue(conn, MemberErased(member_id=member_id, association_id=association_id))
    if known_in:
        await enqueue_tombstone(conn, str(Topic.CONTACT), str(member_id))


async def _first_association(conn: asyncpg.Connection, member_id: UUID) -> UUID | None:
    announced = [m for m in await memberships.memberships_of(conn, member_id) if m.joined_at is not None]
    if not announced:
        return None
    return min(announced, key=lambda m: m.joined_at or m.requested_at).association_id
