"""Use cases of peer mentoring: an active member applies, an association admin approves or rejects, and an
approved mentor pauses, resumes or changes capacity.

A mentor mentors only for conditions recorded in their own profile. Applications hold health data, so
an admin's every read or decision is written to the audit trail. Messages go out only for memberships
other services know (every active one).
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from membership.adapters import audit, conditions, mentors
from membership.adapters import memberships as membership_store
from membership.domain.access import Actor
from membership.domain.memberships import Membership, check_roles
from membership.domain.mentors import MentorApplication, MentorProfile, MentorStatus
from membership.service_layer.admin import store_roles
from membership.service_layer.announcements import lock_person
from membership.service_layer.memberships import existing_association
from shared.contracts.membership import (
    MemberMessage,
    MentorApproved,
    MentorCapacityChanged,
    MentorPaused,
    MentorResumed,
)
from shared.db.outbox import enqueue
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound


async def apply(
    pool: asyncpg.Pool, actor: Actor, association_id: UUID, application: MentorApplication
) -> MentorProfile:
    """Apply to mentor here; a rejected applicant may apply again."""
    async with pool.acquire() as conn, conn.transaction():
        await existing_association(conn, association_id)
        await _own_active_membership(conn, actor, association_id)
        current = await mentors.get_mentor(conn, actor.member_id, association_id)
        if current is not None and current.status != "rejected":
            raise Conflict(f"you have already applied to mentor here (your application is {current.status})")
        held = {condition.code for condition in await conditions.conditions_of(conn, actor.member_id)}
        if missing := [code for code in application.conditions if code not in held]:
            raise InvalidInput(
                f"you can mentor only for conditions recorded in your profile; add {', '.join(missing)} to it first",
                extra={"missing": missing},
            )
        return await mentors.upsert_application(conn, actor.member_id, association_id, application)


async def _own_active_membership(conn: asyncpg.Connection, actor: Actor, association_id: UUID) -> Membership:
    membership = await membership_store.lock_membership(conn, actor.member_id, association_id)
    if membership is None or not membership.is_active(actor.today):
        raise Forbidden("only active members of this association can mentor here")
    return membership


async def list_applications(
    pool: asyncpg.Pool, actor: Actor, association_id: UUID, status: MentorStatus
) -> list[tuple[MentorProfile, str]]:
    """Mentor profiles in this status with the person's name; each one listed is an audited health-data read."""
    actor.require_admin_of(association_id)
    async with pool.acquire() as conn, conn.transaction():
        listed = await mentors.list_with_names(conn, association_id, status)
        for profile, _ in listed:
            await audit.record(
                conn,
                actor_id=actor.member_id,
                subject_id=profile.member_id,
                action="read",
                resource="mentor_application",
                association_id=association_id,
            )
    return listed


async def approve(pool: asyncpg.Pool, actor: Actor, association_id: UUID, member_id: UUID) -> MentorProfile:
    """Approve an application: the person gets the mentor role and matching hears of the new mentor."""
    actor.require_admin_of(association_id)
    async with pool.acquire() as conn, conn.transaction():
        await lock_person(conn, member_id)  # the message carries their conditions as they are now
        membership, application = await _pending_application(conn, actor, association_id, member_id)
        years = {c.code: c.diagnosed_year for c in await conditions.conditions_of(conn, member_id)}
        if gone := [code for code in application.conditions if code not in years]:
            raise Conflict(
                f"the applicant no longer records {', '.join(gone)} in their profile;"
                " reject this application and ask them to apply again"
            )
        approved = await mentors.decide(conn, member_id, association_id, "approved", actor.member_id, None)
        await _audit_decision(conn, actor, association_id, member_id)
        actor.require_not_granting_to_self(member_id, {"mentor"} - set(membership.roles))
        await store_roles(conn, membership, check_roles({*membership.roles, "mentor"}), by=actor.member_id)
        message = MentorApproved(
            member_id=member_id,
            association_id=association_id,
            conditions=approved.conditions,
            diagnosed_in={code: years[code] for code in approved.conditions},
            capacity=approved.capacity,
            modalities=approved.modalities,
        )
        await _publish(conn, membership, message)
        return approved


async def reject(pool: asyncpg.Pool, actor: Actor, association_id: UUID, member_id: UUID, reason: str) -> MentorProfile:
    """Reject an application with a reason kept for the association; nothing is published."""
    actor.require_admin_of(association_id)
    async with pool.acquire() as conn, conn.transaction():
        await _pending_application(conn, actor, association_id, member_id)
        rejected = await mentors.decide(conn, member_id, association_id, "rejected", actor.member_id, reason)
        await _audit_decision(conn, actor, association_id, member_id)
        return rejected


async def _pending_application(
    conn: asyncpg.Connection, actor: Actor, association_id: UUID, member_id: UUID
) -> tuple[Membership, MentorProfile]:
    membership = await membership_store.lock_membership(conn, member_id, association_id)
    application = await mentors.get_mentor(conn, member_id, association_id)
    if membership is None or application is None:
        raise NotFound("this person has not applied to mentor in this association")
    if application.status != "applied":
        raise Conflict(f"this application was already decided: {application.status}")
    if not membership.is_active(actor.today):
        raise Conflict(f"this membership is {membership.status(actor.today)}; only active members can mentor")
    return membership, application


async def _audit_decision(conn: asyncpg.Connection, actor: Actor, association_id: UUID, member_id: UUID) -> None:
    await audit.record(
        conn,
        actor_id=actor.member_id,
        subject_id=member_id,
        action="change",
        resource="mentor_application",
        association_id=association_id,
    )


async def set_paused(pool: asyncpg.Pool, actor: Actor, association_id: UUID, paused: bool) -> MentorProfile:
    """The mentor stops (or starts again) receiving new mentees; their capacity stays as it is."""
    async with pool.acquire() as conn, conn.transaction():
        membership, profile = await _own_mentor_profile(conn, actor, association_id)
        if profile.paused == paused:
            raise Conflict("your mentoring is already paused" if paused else "your mentoring is not paused")
        await mentors.set_paused(conn, actor.member_id, association_id, paused)
        message_type = MentorPaused if paused else MentorResumed
        await _publish(conn, membership, message_type(member_id=actor.member_id, association_id=association_id))
        return profile.model_copy(update={"paused": paused})


async def set_capacity(pool: asyncpg.Pool, actor: Actor, association_id: UUID, capacity: int) -> MentorProfile:
    """How many mentees the mentor takes at once; nothing is published when it does not change."""
    async with pool.acquire() as conn, conn.transaction():
        membership, profile = await _own_mentor_profile(conn, actor, association_id)
        if profile.capacity == capacity:
            return profile
        await mentors.set_capacity(conn, actor.member_id, association_id, capacity)
        message = MentorCapacityChanged(member_id=actor.member_id, association_id=association_id, capacity=capacity)
        await _publish(conn, membership, message)
        return profile.model_copy(update={"capacity": capacity})


async def _own_mentor_profile(
    conn: asyncpg.Connection, actor: Actor, association_id: UUID
) -> tuple[Membership, MentorProfile]:
    await existing_association(conn, association_id)
    membership = await _own_active_membership(conn, actor, association_id)
    profile = await mentors.get_mentor(conn, actor.member_id, association_id)
    if profile is None or profile.status != "approved":
        raise Conflict("you are not an approved mentor of this association")
    return membership, profile


async def _publish(conn: asyncpg.Connection, membership: Membership, message: MemberMessage) -> None:
    if membership.announced:
        await enqueue(conn, message)
