"""Joining stores the member and stages both messages in one transaction, once."""

from __future__ import annotations

from membership.bootstrap import MIGRATIONS
from membership.service_layer.demo import demo_members, load_demo_data
from membership.service_layer.join import join_member
from shared.db.pool import create_pool
from shared.testing.plugin import ServiceDatabase


async def test_join_stages_member_and_contact_messages_once(service_database: ServiceDatabase) -> None:
    pool = await create_pool(await service_database(MIGRATIONS))
    try:
        member = demo_members()[0]
        assert await join_member(pool, member) is True
        assert await join_member(pool, member) is False  # the same command again: no second effect

        rows = await pool.fetch("SELECT topic, message_key, event_type, envelope FROM outbox ORDER BY id")
        assert [(r["topic"], r["event_type"]) for r in rows] == [
            ("membership.member.v1", "member.joined"),
            ("membership.contact.v1", "contact.updated"),
        ]
        assert all(r["message_key"] == str(member.member_id) for r in rows)
        # personal data only on the contact topic
        assert member.email not in str(rows[0]["envelope"]) and member.display_name not in str(rows[0]["envelope"])
        assert rows[1]["envelope"]["data"]["email"] == member.email
    finally:
        await pool.close()


async def test_demo_data_loads_once(service_database: ServiceDatabase) -> None:
    pool = await create_pool(await service_database(MIGRATIONS))
    try:
        assert await load_demo_data(pool) == len(demo_members())
        assert await load_demo_data(pool) == 0
        associations = await pool.fetchval("SELECT count(DISTINCT association_id) FROM members")
        assert associations == 2
    finally:
        await pool.close()
