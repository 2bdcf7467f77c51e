"""Loads the demo data set through the same use cases a person or an admin would call; safe on every start."""

from __future__ import annotations

from datetime import time
from uuid import UUID

import asyncpg
from pydantic import SecretStr

from membership.adapters import accounts
from membership.adapters import associations as association_store
from membership.demo.people import (
    ADMIN_EMAILS,
    ASSOCIATIONS,
    DEMO_PASSWORD,
    FEDERATION_ADMIN_EMAIL,
    PEOPLE,
    DemoPerson,
)
from membership.domain.access import Actor
from membership.domain.accounts import Registration
from membership.domain.availability import Window
from membership.domain.conditions import MemberCondition
from membership.domain.consents import CURRENT_VERSIONS
from membership.service_layer import admin, associations, auth, consents, federation, health_data, memberships, mentors
from membership.service_layer import profile as profiles


async def load_demo_data(pool: asyncpg.Pool) -> int:
    """Create whoever is missing; returns how many people were created now (0 on a second run)."""
    fed = await federation.ensure_federation_admin(pool, _registration(FEDERATION_ADMIN_EMAIL, "Federation Office"))
    federation_admin = await _actor(pool, fed.member_id)
    for association_id, new in ASSOCIATIONS.items():
        if await _association_exists(pool, association_id):
            continue
        await associations.create(pool, federation_admin, new, association_id=association_id)
    created = [
        await _create(pool, person, federation_admin) for person in PEOPLE if not await _exists(pool, person.email)
    ]
    return int(fed.created) + len(created)


async def _create(pool: asyncpg.Pool, person: DemoPerson, federation_admin: Actor) -> UUID:
    registration = Registration.model_validate(
        {**person.profile.model_dump(), "email": person.email, "password": SecretStr(DEMO_PASSWORD)}
    )
    member_id = await auth.create_account(pool, registration)
    actor = await _actor(pool, member_id)
    for kind in person.consents:
        await consents.record_consent(pool, actor, kind, True, CURRENT_VERSIONS[kind])
    held = [MemberCondition(code=code, diagnosed_year=year) for code, year in person.conditions.items()]
    await health_data.replace_conditions(pool, actor, held)
    windows = [
        Window(weekday=day, start=time.fromisoformat(start), end=time.fromisoformat(end))
        for day, start, end in person.windows
    ]
    await profiles.replace_availability(pool, actor, windows)
    await memberships.join(pool, actor, person.association_id, wants_mentor=person.part in ("member", "pending"))
    if person.part == "admin":
        await admin.appoint_admin(pool, federation_admin, person.association_id, person.email)
        return member_id
    association_admin = await _admin_of(pool, person.association_id)
    if person.part != "pending" and ASSOCIATIONS[person.association_id].requires_approval:
        await memberships.approve(pool, association_admin, person.association_id, member_id)
    if person.mentoring is not None:
        await mentors.apply(pool, await _actor(pool, member_id), person.association_id, person.mentoring)
        await mentors.approve(pool, association_admin, person.association_id, member_id)
    return member_id


def _registration(email: str, display_name: str) -> Registration:
    return Registration(email=email, password=SecretStr(DEMO_PASSWORD), display_name=display_name)


async def _actor(pool: asyncpg.Pool, member_id: UUID) -> Actor:
    async with pool.acquire() as conn:
        return await auth.load_actor(conn, member_id)


async def _admin_of(pool: asyncpg.Pool, association_id: UUID) -> Actor:
    async with pool.acquire() as conn:
        account = await accounts.get_account_by_email(conn, ADMIN_EMAILS[association_id])
        assert account is not None, "the demo admins are created first"
        return await auth.load_actor(conn, account.member_id)


async def _exists(pool: asyncpg.Pool, email: str) -> bool:
    async with pool.acquire() as conn:
        return await accounts.get_account_by_email(conn, email) is not None


async def _association_exists(pool: asyncpg.Pool, association_id: UUID) -> bool:
    async with pool.acquire() as conn:
        return await association_store.get_association(conn, association_id) is not None
