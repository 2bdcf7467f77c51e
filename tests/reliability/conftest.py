"""Shared pieces of the backbone reliability tests."""

from __future__ import annotations

from uuid import uuid4

import asyncpg

from shared.contracts import Envelope, new_envelope
from shared.contracts.membership import MemberJoined
from shared.db.outbox import pending_count
from shared.testing.eventually import eventually

ASSOCIATION = uuid4()


def member_joined(member_id: object = None) -> Envelope:
    data = MemberJoined(
        member_id=member_id or uuid4(),
        association_id=ASSOCIATION,
        languages=["en"],  # type: ignore[arg-type]
        time_zone="Europe/Paris",
        conditions=["G43.1"],
    )
    return new_envelope(data, source="reliability-test")


async def outbox_settled(pool: asyncpg.Pool, timeout: float = 30) -> None:
    """Until nothing waits in the outbox (every row published or parked)."""

    async def waiting() -> int:
        async with pool.acquire() as conn:
            return await pending_count(conn)

    await eventually(waiting, until=lambda n: n == 0, timeout=timeout, what="the outbox settled")
