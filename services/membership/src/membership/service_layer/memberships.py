"""Use cases: join an association, be approved, leave."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from membership.adapters import associations, audit, memberships
from membership.domain.access import Actor
from membership.domain.associations import Association
from membership.domain.memberships import Membership
from membership.service_layer.announcements import announce_joined, lock_person
from membership.service_layer.sessions import end_access_tokens
from shared.contracts.membership import MemberLeft
from shared.db.outbox import enqueue
from shared.errors import Conflict, NotFound, Unauthorized


async def existing_association(conn: asyncpg.Connection, association_id: UUID) -> Association:
    association = await associations.get_association(conn, association_id)
    if association is None:
        raise NotFound(f"there is no association {association_id}")
    return association


async def join(pool: asyncpg.Pool, actor: Actor, association_id: UUID, *, wants_mentor: bool = False) -> Membership:
    """Join as a member: active at once, or pending when the association approves joiners.

    With `wants_mentor`, matching opens a request for a mentor as soon as the membership is active.
    """
    async with pool.acquire() as conn, conn.transaction():
        association = await existing_association(conn, association_id)
        if not await lock_person(conn, actor.member_id):
            raise Unauthorized("this account no longer exists")
        current = await memberships.get_membership(conn, actor.member_id, association_id)
        if current is not None and current.stored_status != "left":
            raise Conflict(
                f"you are already {'waiting to join' if current.stored_status == 'pending' else 'a member of'}"
                f" {association.name}"
            )
        membership = await memberships.request_membership(
            conn,
            actor.member_id,
            association_id,
            active=not association.requires_approval,
            roles=["member"],
            wants_mentor=wants_mentor,
        )
        if membership.stored_status == "active":
            await announce_joined(conn, actor.member_id, association, membership.roles, wants_mentor=wants_mentor)
        return membership


async def approve(pool: asyncpg.Pool, actor: Actor, association_id: UUID, member_id: UUID) -> Membership:
    """An association admin admits a pending member."""
    actor.require_admin_of(association_id)
    async with pool.acquire() as conn, conn.transaction():
        association = await existing_association(conn, association_id)
        await lock_person(conn, member_id)
        current = await memberships.get_membership(conn, member_id, association_id)
        if current is None:
            raise NotFound("this person has not asked to join your association")
        if current.stored_status != "pending":
            raise Conflict(f"this membership is {current.stored_status}, not pending approval")
        membership = await memberships.activate(conn, member_id, association_id)
        await announce_joined(conn, member_id, association, membership.roles, wants_mentor=membership.wants_mentor)
        return membership


async def leave(pool: asyncpg.Pool, actor: Actor, association_id: UUID) -> None:
    """Leave an association; other services are told if they knew of the membership. The last admin of an
    association cannot leave it (appoint another admin first)."""
    async with pool.acquire() as conn, conn.transaction():
        await _end_membership(
            conn, actor.member_id, association_id, missing="you are not a member of this association", pending=True
        )


async def remove(pool: asyncpg.Pool, actor: Actor, association_id: UUID, member_id: UUID) -> None:
    """An admin removes a member from their association (audited). The person keeps their account and every
    other membership; only they (or the federation's data-protection officer) can erase it. A pending request
    gives no rights over anyone; the last admin cannot be removed."""
    actor.require_admin_of(association_id)
    async with pool.acquire() as conn, conn.transaction():
        missing = "this person is not a member of your association (a request to join gives no rights over anyone)"
        await _end_membership(conn, member_id, association_id, missing=missing, pending=False)
        await audit.record(
            conn,
            actor_id=actor.member_id,
            subject_id=member_id,
            action="remove",
            resource="membership",
            association_id=association_id,
        )


async def _end_membership(
    conn: asyncpg.Connection, member_id: UUID, association_id: UUID, *, missing: str, pending: bool
) -> None:
    """End a membership (with `pending`, a request to join too), never the association's last admin's."""
    # The association's admins first, then the member: the order every role change takes.
    admins = [m.member_id for m in await memberships.lock_admins(conn, association_id)]
    current = await memberships.lock_membership(conn, member_id, association_id)
    if current is None or current.stored_status == "left" or (current.stored_status == "pending" and not pending):
        raise NotFound(missing)
    if admins == [member_id]:
        raise Conflict("this is the last admin of the association; appoint another admin first")
    await memberships.leave(conn, member_id, association_id)
    if current.announced:
        await enqueue(conn, MemberLeft(member_id=member_id, association_id=association_id))
    await end_access_tokens(conn, member_id)  # no token still carrying the membership is accepted anywhere
