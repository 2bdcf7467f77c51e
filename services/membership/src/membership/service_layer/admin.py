"""Use cases of an association admin: the member directory, approvals, roles, renewals and the audit trail.

Every use case first checks that the caller administers this association, and every query is scoped by
it, so an admin of one association never reaches the members of another. No health data is shown here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg

from membership.adapters import audit, member_directory, memberships
from membership.adapters.audit import AuditRecord
from membership.adapters.member_directory import DirectoryEntry, DirectoryQuery
from membership.domain.access import Actor
from membership.domain.memberships import Membership, check_roles
from membership.service_layer import memberships as membership_cases
from membership.service_layer.announcements import announce_joined, lock_person
from membership.service_layer.memberships import existing_association
from membership.service_layer.sessions import end_access_tokens
from shared.contracts.membership import Role, RolesChanged
from shared.db.outbox import enqueue
from shared.errors import Conflict, NotFound


@dataclass(frozen=True)
class MemberPage:
    items: list[DirectoryEntry]
    total: int
    page: int
    page_size: int


async def list_members(
    pool: asyncpg.Pool, actor: Actor, association_id: UUID, query: DirectoryQuery, *, page: int, page_size: int
) -> MemberPage:
    actor.require_admin_of(association_id)
    async with pool.acquire() as conn:
        items, total = await member_directory.search(
            conn, association_id, query, limit=page_size, offset=(page - 1) * page_size
        )
    return MemberPage(items=items, total=total, page=page, page_size=page_size)


async def get_member(pool: asyncpg.Pool, actor: Actor, association_id: UUID, member_id: UUID) -> DirectoryEntry:
    actor.require_admin_of(association_id)
    async with pool.acquire() as conn:
        return await _entry(conn, association_id, member_id)


async def _entry(conn: asyncpg.Connection, association_id: UUID, member_id: UUID) -> DirectoryEntry:
    found = await member_directory.entry(conn, association_id, member_id)
    if found is None:
        raise NotFound("this person is not a member of this association and has not asked to join it")
    return found


async def approve(pool: asyncpg.Pool, actor: Actor, association_id: UUID, member_id: UUID) -> DirectoryEntry:
    """Admit a pending member (they are announced to the other services now)."""
    await membership_cases.approve(pool, actor, association_id, member_id)
    async with pool.acquire() as conn:
        return await _entry(conn, association_id, member_id)


async def set_roles(
    pool: asyncpg.Pool, actor: Actor, association_id: UUID, member_id: UUID, roles: list[Role]
) -> DirectoryEntry:
    """Replace a member's roles; the association always keeps at least one admin."""
    actor.require_admin_of(association_id)
    async with pool.acquire() as conn, conn.transaction():
        # Admins first, then the member, always in this order: concurrent changes wait instead of deadlocking.
        admins = [m for m in await memberships.lock_admins(conn, association_id) if m.has_role("admin", actor.today)]
        current = await _changeable(conn, association_id, member_id)
        actor.require_not_granting_to_self(member_id, set(roles) - set(current.roles))
        if "admin" not in roles and [m.member_id for m in admins] == [member_id]:
            raise Conflict("this is the last admin of the association; appoint another admin first")
        await store_roles(conn, current, roles, by=actor.member_id)
        return await _entry(conn, association_id, member_id)


async def _changeable(conn: asyncpg.Connection, association_id: UUID, member_id: UUID) -> Membership:
    current = await memberships.lock_membership(conn, member_id, association_id)
    if current is None:
        raise NotFound("this person is not a member of this association and has not asked to join it")
    if current.stored_status == "left":
        raise Conflict("this person left the association; they have to join again first")
    return current


async def store_roles(conn: asyncpg.Connection, current: Membership, roles: list[Role], *, by: UUID) -> None:
    """Replace the roles of a locked membership, audited with who did it; other services hear of it if they
    know the membership."""
    if roles == current.roles:
        return
    await memberships.set_roles(conn, current.member_id, current.association_id, list(roles))
    await audit.record(
        conn,
        actor_id=by,
        subject_id=current.member_id,
        action="change",
        resource="roles",
        association_id=current.association_id,
    )
    if current.announced:
        await announce_roles(conn, current.member_id, current.association_id, roles, by=by)
    if set(current.roles) - set(roles):  # a role lost: no token still carrying it is accepted anywhere
        await end_access_tokens(conn, current.member_id)


async def announce_roles(
    conn: asyncpg.Connection, member_id: UUID, association_id: UUID, roles: list[Role], *, by: UUID
) -> None:
    """`member.roles_changed`, addressed to the association's admins as they are now (the change included)."""
    admin_ids = await memberships.admin_ids(conn, association_id)  # read, not locked: the lock order stays
    changed = RolesChanged(
        member_id=member_id, association_id=association_id, roles=roles, changed_by=by, admin_ids=admin_ids
    )
    await enqueue(conn, changed)


async def appoint_admin(pool: asyncpg.Pool, actor: Actor, association_id: UUID, email: str) -> DirectoryEntry:
    """Give the admin role to someone who joined, accepting their request if it was pending.

    This is how a new association gets its first admin: a federation admin appoints them.
    """
    actor.require_admin_or_federation_admin(association_id)
    async with pool.acquire() as conn, conn.transaction():
        association = await existing_association(conn, association_id)
        found = await member_directory.entry_by_email(conn, association_id, email)
        if found is None or found.membership.stored_status == "left":
            raise NotFound(f"no one with this e-mail address has joined {association.name}; ask them to join first")
        await lock_person(conn, found.membership.member_id)
        current = await _changeable(conn, association_id, found.membership.member_id)
        actor.require_not_granting_to_self(current.member_id, {"admin"} - set(current.roles))
        roles = check_roles({*current.roles, "admin"})
        if current.stored_status == "pending":
            await memberships.set_roles(conn, current.member_id, association_id, list(roles))
            await audit.record(
                conn,
                actor_id=actor.member_id,
                subject_id=current.member_id,
                action="change",
                resource="roles",
                association_id=association_id,
            )
            await memberships.activate(conn, current.member_id, association_id)
            await announce_joined(conn, current.member_id, association, roles)
            await announce_roles(conn, current.member_id, association_id, roles, by=actor.member_id)
        else:
            await store_roles(conn, current, roles, by=actor.member_id)
        return await _entry(conn, association_id, current.member_id)


async def renew(
    pool: asyncpg.Pool, actor: Actor, association_id: UUID, member_id: UUID, renewed_on: date, expires_on: date
) -> DirectoryEntry:
    """Record a renewal; after `expires_on` the membership reads as `expired` (computed on read)."""
    actor.require_admin_of(association_id)
    async with pool.acquire() as conn, conn.transaction():
        await _changeable(conn, association_id, member_id)
        await memberships.set_renewal(conn, member_id, association_id, renewed_on, expires_on)
        return await _entry(conn, association_id, member_id)


async def audit_trail(
    pool: asyncpg.Pool, actor: Actor, association_id: UUID, *, before_id: int | None, limit: int
) -> list[AuditRecord]:
    """Who read or changed health data through this association (and members' own access), newest first."""
    actor.require_admin_of(association_id)
    async with pool.acquire() as conn:
        return await audit.trail_for_association(conn, association_id, before_id=before_id, limit=limit)
