"""Events' view of members, on a real PostgreSQL: people with their condition codes, one row per association."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import asyncpg
import pytest

from events.bootstrap import MIGRATIONS
from events.service_layer.members import apply_member_message
from shared.contracts.envelope import MessageData
from shared.contracts.membership import ConditionsChanged, MemberErased, MemberJoined, MemberLeft, RolesChanged
from shared.db.pool import create_pool
from shared.testing.plugin import ServiceDatabase


@pytest.fixture
async def pool(service_database: ServiceDatabase) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(await service_database(MIGRATIONS))
    yield pool
    await pool.close()


async def apply(pool: asyncpg.Pool, *messages: MessageData) -> None:
    for data in messages:
        async with pool.acquire() as conn, conn.transaction():
            await apply_member_message(conn, data)


def joined(member: UUID, association: UUID, **fields: object) -> MemberJoined:
    return MemberJoined.model_validate(
        {"member_id": member, "association_id": association, "time_zone": "UTC", "consents": ["health_data"], **fields}
    )


async def memberships(pool: asyncpg.Pool, member: UUID) -> dict[UUID, tuple[list[str], bool]]:
    rows = await pool.fetch("SELECT association_id, roles, active FROM memberships WHERE member_id = $1", member)
    return {row["association_id"]: (list(row["roles"]), row["active"]) for row in rows}


async def test_a_person_in_two_associations_keeps_both(pool: asyncpg.Pool) -> None:
    person, first, second = uuid4(), uuid4(), uuid4()

    await apply(pool, joined(person, first, conditions=["M79.7"]), joined(person, second, conditions=["M79.7"]))

    assert await memberships(pool, person) == {first: (["member"], True), second: (["member"], True)}
    assert await pool.fetchval("SELECT conditions FROM people WHERE member_id = $1", person) == ["M79.7"]


async def test_leaving_one_association_keeps_the_other_and_roles_and_codes_follow(pool: asyncpg.Pool) -> None:
    person, first, second = uuid4(), uuid4(), uuid4()
    await apply(pool, joined(person, first), joined(person, second))

    await apply(
        pool,
        MemberLeft(member_id=person, association_id=first),
        RolesChanged(member_id=person, association_id=second, roles=["member", "mentor"]),
        ConditionsChanged(member_id=person, conditions=["J84.1", "M79.7"], diagnosed_in={"J84.1": 2019}),
    )

    assert await memberships(pool, person) == {first: (["member"], False), second: (["member", "mentor"], True)}
    assert await pool.fetchval("SELECT conditions FROM people WHERE member_id = $1", person) == ["J84.1", "M79.7"]


async def test_erasure_forgets_the_person_everywhere(pool: asyncpg.Pool) -> None:
    person, other, first, second = uuid4(), uuid4(), uuid4(), uuid4()
    await apply(pool, joined(person, first, conditions=["M79.7"]), joined(person, second), joined(other, first))

    await apply(pool, MemberErased(member_id=person, association_id=first))

    assert await memberships(pool, person) == {}
    assert await pool.fetchval("SELECT count(*) FROM people WHERE member_id = $1", person) == 0
    assert await memberships(pool, other) == {first: (["member"], True)}
