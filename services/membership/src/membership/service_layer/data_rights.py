"""Data rights: a person's export of everything stored about them, and erasure (by themselves or an admin).

Erasure happens in one transaction: other services are told first (that needs the memberships), then
the account row goes and everything personal cascades with it. Audit rows stay: they hold only
pseudonymous ids, and they show who erased whom.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from membership.adapters import (
    accounts,
    audit,
    availability,
    conditions,
    consents,
    erasures,
    export,
    invitations,
    login_throttle,
    mentors,
)
from membership.adapters.audit import AuditRecord
from membership.adapters.export import AccountTimes, RefreshTokenRecord
from membership.domain.access import Actor
from membership.domain.accounts import Account
from membership.domain.availability import Window
from membership.domain.conditions import MemberCondition
from membership.domain.consents import ConsentRecord
from membership.domain.mentors import MentorProfile
from membership.service_layer.announcements import announce_erasure
from membership.service_layer.profile import MembershipView, memberships_with_names, own_account
from shared.db import outbox
from shared.errors import NotFound

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PersonalData:
    """Everything membership stores about one person (never a password or token hash)."""

    account: Account
    times: AccountTimes
    memberships: list[MembershipView]
    conditions: list[MemberCondition]
    availability: list[Window]
    health_notes: str | None
    mentor_profiles: list[MentorProfile]
    consents: list[ConsentRecord]
    refresh_tokens: list[RefreshTokenRecord]
    failed_logins: list[datetime]
    audit_trail: list[AuditRecord]


async def export_my_data(pool: asyncpg.Pool, actor: Actor) -> PersonalData:
    """The person's data in one document; the export itself is audited (and appears in its own trail)."""
    member_id = actor.member_id
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        await audit.record(conn, actor_id=member_id, subject_id=member_id, action="export", resource="all")
        account = await own_account(conn, member_id)
        times = await export.account_times(conn, member_id)
        assert times is not None
        return PersonalData(
            account=account,
            times=times,
            memberships=await memberships_with_names(conn, member_id),
            conditions=await conditions.conditions_of(conn, member_id),
            availability=await availability.windows_of(conn, member_id),
            health_notes=await conditions.health_notes_of(conn, member_id),
            mentor_profiles=await mentors.mentors_of_member(conn, member_id),
            consents=await consents.history(conn, member_id),
            refresh_tokens=await export.refresh_tokens_of(conn, member_id),
            failed_logins=await export.failed_logins(conn, login_throttle.account_key(account.email)),
            audit_trail=await export.audit_about(conn, member_id),
        )


async def erase_me(pool: asyncpg.Pool, actor: Actor) -> None:
    """The person erases their own account."""
    async with pool.acquire() as conn, conn.transaction():
        await _erase(conn, actor.member_id, erased_by=actor.member_id, association_id=None)


async def erase_person(pool: asyncpg.Pool, actor: Actor, member_id: UUID, reason: str) -> None:
    """The federation's data-protection officer erases a person who asked them to, with the reason kept in
    the audit trail. No association admin can: an admin removes people from their association only."""
    actor.require_data_protection_officer()
    async with pool.acquire() as conn, conn.transaction():
        await _erase(conn, member_id, erased_by=actor.member_id, association_id=None, reason=reason)


async def _erase(
    conn: asyncpg.Connection,
    member_id: UUID,
    *,
    erased_by: UUID,
    association_id: UUID | None,
    reason: str | None = None,
) -> None:
    if not await accounts.lock_account(conn, member_id):
        raise NotFound("this person has already been erased")
    account = await accounts.get_account(conn, member_id)
    assert account is not None
    await outbox.scrub(conn, str(member_id))  # no earlier fact of theirs stays here or is sent
    await announce_erasure(conn, member_id)
    await login_throttle.clear(conn, login_throttle.account_key(account.email))
    await invitations.forget(conn, member_id, account.email)
    await erasures.erase_account(conn, member_id, erased_by)
    await audit.record(
        conn,
        actor_id=erased_by,
        subject_id=member_id,
        action="erase",
        resource="all",
        association_id=association_id,
        reason=reason,
    )
    log.info("member erased", extra={"member_id": str(member_id), "erased_by": str(erased_by)})
