"""Use cases on a person's own account: what they see of themselves, profile edits, weekly availability.

Availability is audited like health data (it says when someone is usually free). When the time zone
changes, windows are not republished: `member.profile_updated` carries the new time zone, and windows
are always read in the person's current time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import asyncpg

from membership.adapters import accounts, associations, audit, availability, conditions, memberships, mentors
from membership.domain.access import Actor
from membership.domain.accounts import Account
from membership.domain.availability import Window
from membership.domain.conditions import MemberCondition
from membership.domain.memberships import Membership
from membership.domain.mentors import MentorProfile
from membership.domain.profile import Profile, ProfileUpdate
from membership.service_layer.announcements import announce_contact, announce_person_fact
from shared.contracts.membership import AvailabilityChanged, ProfileUpdated
from shared.errors import InvalidInput, Unauthorized

# Profile fields other services match on (member.profile_updated) and those on the contact record.
_MATCHING_FIELDS = ("languages", "time_zone", "kind", "birth_year", "gender")
_CONTACT_FIELDS = ("display_name", "locale")


@dataclass(frozen=True)
class MembershipView:
    membership: Membership
    association_name: str


@dataclass(frozen=True)
class Overview:
    account: Account
    memberships: list[MembershipView]
    mentor_profiles: list[MentorProfile]


@dataclass(frozen=True)
class WeeklyAvailability:
    time_zone: str
    windows: list[Window]


async def own_account(conn: asyncpg.Connection, member_id: UUID, *, lock: bool = False) -> Account:
    """The caller's account, optionally locked for the transaction; 401 when it was erased meanwhile."""
    if lock and not await accounts.lock_account(conn, member_id):
        raise Unauthorized("this account no longer exists")
    account = await accounts.get_account(conn, member_id)
    if account is None:
        raise Unauthorized("this account no longer exists")
    return account


def check_diagnosed_after_birth(held: list[MemberCondition], birth_year: int | None) -> None:
    """422 when a condition was diagnosed before the person was born."""
    if birth_year is None:
        return
    if early := [c for c in held if c.diagnosed_year < birth_year]:
        listed = ", ".join(f"{c.code} ({c.diagnosed_year})" for c in early)
        raise InvalidInput(f"a diagnosis cannot come before your birth year {birth_year}: {listed}")


async def memberships_with_names(conn: asyncpg.Connection, member_id: UUID) -> list[MembershipView]:
    views = []
    for membership in await memberships.memberships_of(conn, member_id):
        association = await associations.get_association(conn, membership.association_id)
        assert association is not None  # memberships reference associations, which are never deleted
        views.append(MembershipView(membership, association.name))
    return views


async def overview(pool: asyncpg.Pool, actor: Actor) -> Overview:
    """The caller's account, memberships and mentor profiles (whose conditions are health data: audited)."""
    async with pool.acquire() as conn, conn.transaction():
        account = await own_account(conn, actor.member_id)
        views = await memberships_with_names(conn, actor.member_id)
        mentoring = await mentors.mentors_of_member(conn, actor.member_id)
        if mentoring:
            await audit.record(
                conn,
                actor_id=actor.member_id,
                subject_id=actor.member_id,
                action="read",
                resource="mentor_application",
            )
    return Overview(account=account, memberships=views, mentor_profiles=mentoring)


async def update_profile(pool: asyncpg.Pool, actor: Actor, update: ProfileUpdate) -> Profile:
    """Store the changed fields and tell other services what they use of them."""
    async with pool.acquire() as conn, conn.transaction():
        before = (await own_account(conn, actor.member_id, lock=True)).profile
        after = update.applied_to(before)
        if after.birth_year is not None and after.birth_year != before.birth_year:
            check_diagnosed_after_birth(await conditions.conditions_of(conn, actor.member_id), after.birth_year)
        await accounts.update_profile(conn, actor.member_id, after)
        await _announce_profile(conn, actor.member_id, before, after)
    return after


def _changed(before: Profile, after: Profile, fields: tuple[str, ...]) -> bool:
    return any(getattr(before, name) != getattr(after, name) for name in fields)


async def _announce_profile(conn: asyncpg.Connection, member_id: UUID, before: Profile, after: Profile) -> None:
    if _changed(before, after, _MATCHING_FIELDS):
        fact = ProfileUpdated(
            member_id=member_id,
            languages=after.languages,
            time_zone=after.time_zone,
            is_caregiver=after.is_caregiver,
            birth_year=after.birth_year,
            gender=after.gender,
        )
        await announce_person_fact(conn, fact)
    if _changed(before, after, _CONTACT_FIELDS):
        await announce_contact(conn, member_id)


async def my_availability(pool: asyncpg.Pool, actor: Actor) -> WeeklyAvailability:
    async with pool.acquire() as conn, conn.transaction():
        account = await own_account(conn, actor.member_id)
        windows = await availability.windows_of(conn, actor.member_id)
        await _audit_self(conn, actor.member_id, "read")
    return WeeklyAvailability(account.profile.time_zone, windows)


async def replace_availability(pool: asyncpg.Pool, actor: Actor, windows: list[Window]) -> WeeklyAvailability:
    """Replace the weekly windows (already checked: no overlaps, at most 28) and publish them."""
    async with pool.acquire() as conn, conn.transaction():
        account = await own_account(conn, actor.member_id, lock=True)
        await availability.replace_windows(conn, actor.member_id, windows)
        await _audit_self(conn, actor.member_id, "change")
        time_zone = account.profile.time_zone
        changed = AvailabilityChanged(
            member_id=actor.member_id, time_zone=time_zone, availability=[w.message() for w in windows]
        )
        await announce_person_fact(conn, changed)
    return WeeklyAvailability(time_zone, windows)


async def _audit_self(conn: asyncpg.Connection, member_id: UUID, action: audit.Action) -> None:
    await audit.record(conn, actor_id=member_id, subject_id=member_id, action=action, resource="availability")
