"""Matching refuses, at once, the tokens of a person who logged out or was erased: it records the
revocations it reads on membership.member.v1 (through the same inbox path every consumer uses)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from matching.entrypoints.consumers import GROUP
from matching.service_layer.members import apply_member_message
from shared.contracts import new_envelope
from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberErased, SessionsRevoked
from shared.db.inbox import apply_once

from .conftest import Api


async def consume(api: Api, data: MessageData) -> None:
    await apply_once(api.pool, GROUP, new_envelope(data), apply_member_message)


async def test_a_logged_out_members_earlier_tokens_are_refused_and_new_ones_accepted(api: Api) -> None:
    mentee = await api.member()
    assert (await api.client.get("/me/requests", headers=mentee.headers)).status_code == 200

    await consume(api, SessionsRevoked(member_id=mentee.member_id, revoked_at=datetime.now(UTC)))

    refused = await api.client.get("/me/requests", headers=mentee.headers)
    assert refused.status_code == 401 and "session has ended" in refused.json()["detail"]
    await asyncio.sleep(1.1)  # token times are whole seconds
    assert (await api.client.get("/me/requests", headers=api.headers(mentee.member_id))).status_code == 200


async def test_an_erased_members_tokens_are_refused(api: Api) -> None:
    mentee = await api.member()

    await consume(api, MemberErased(member_id=mentee.member_id, association_id=mentee.association_id))

    assert (await api.client.get("/me/requests", headers=mentee.headers)).status_code == 401


async def test_an_erasure_removes_the_dead_letters_about_the_person(api: Api) -> None:
    erased, other = await api.member(), await api.member()
    for member_id in (erased.member_id, other.member_id):
        await api.pool.execute(
            'INSERT INTO dead_letters (consumer_group, topic, partition, "offset", message_key, value, error, attempts)'
            " VALUES ('matching', 'membership.member.v1', 0, $1, $2, $3, 'boom', 3)",
            hash(member_id) % 10**9,
            str(member_id).encode(),
            b'{"data": {"conditions": ["G43.1"]}}',
        )

    await consume(api, MemberErased(member_id=erased.member_id, association_id=erased.association_id))

    keys = [bytes(row["message_key"]).decode() for row in await api.pool.fetch("SELECT message_key FROM dead_letters")]
    assert keys == [str(other.member_id)]
