"""Matching's read model follows membership's messages, each applied once."""

from __future__ import annotations

from uuid import uuid4

from matching.bootstrap import MIGRATIONS
from matching.entrypoints.consumers import GROUP
from matching.service_layer.members import apply_member_message
from shared.contracts import new_envelope
from shared.contracts.membership import MemberErased, MemberJoined, MemberLeft
from shared.db.inbox import apply_once
from shared.db.pool import create_pool
from shared.testing.plugin import ServiceDatabase


async def test_joined_left_erased(service_database: ServiceDatabase) -> None:
    pool = await create_pool(await service_database(MIGRATIONS))
    member, association = uuid4(), uuid4()
    joined = new_envelope(
        MemberJoined(
            member_id=member,
            association_id=association,
            languages=["fr"],
            time_zone="Europe/Paris",
            conditions=["M79.7"],
            roles=["mentor"],
        ),
        source="membership",
    )
    try:
        assert await apply_once(pool, GROUP, joined, apply_member_message)
        assert not await apply_once(pool, GROUP, joined, apply_member_message)  # redelivered
        row = await pool.fetchrow("SELECT * FROM member_profiles WHERE member_id = $1", member)
        assert row["conditions"] == ["M79.7"] and row["roles"] == ["mentor"] and row["active"]

        left = new_envelope(MemberLeft(member_id=member, association_id=association), source="membership")
        await apply_once(pool, GROUP, left, apply_member_message)
        assert await pool.fetchval("SELECT active FROM member_profiles WHERE member_id = $1", member) is False

        erased = new_envelope(MemberErased(member_id=member, association_id=association), source="membership")
        await apply_once(pool, GROUP, erased, apply_member_message)
        assert await pool.fetchval("SELECT count(*) FROM member_profiles") == 0
    finally:
        await pool.close()
