"""What membership would tell matching, built in one line, and applied the way the consumer applies it.

`Facts` holds the pool of a fresh matching database; `join`, `approve_mentor` … apply real contract
messages through `apply_once` (inbox included), so the read model is built exactly as in production.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import time
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from matching.bootstrap import MIGRATIONS
from matching.entrypoints.consumers import GROUP
from matching.service_layer.members import apply_member_message
from shared.contracts import Envelope, new_envelope
from shared.contracts.envelope import MessageData
from shared.contracts.membership import AvailabilityWindow, MemberJoined, MentorApproved
from shared.db.inbox import apply_once
from shared.db.pool import create_pool
from shared.testing.outbox import staged_messages
from shared.testing.plugin import ServiceDatabase

CONSENTS = ["health_data", "peer_matching"]
EVENINGS = [AvailabilityWindow(weekday=day, start=time(18), end=time(21)) for day in range(7)]


@contextlib.asynccontextmanager
async def matching_pool(service_database: ServiceDatabase, max_size: int = 10) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a fresh, migrated matching database."""
    pool = await create_pool(await service_database(MIGRATIONS), max_size=max_size)
    try:
        yield pool
    finally:
        await pool.close()


def joined(member_id: UUID, association_id: UUID, **snapshot: Any) -> MemberJoined:
    """`member.joined` of a consenting French speaker in Paris with fibromyalgia (M79.7), free every evening."""
    values: dict[str, Any] = {
        "languages": ["fr"],
        "time_zone": "Europe/Paris",
        "conditions": ["M79.7"],
        "diagnosed_in": {"M79.7": 2015},
        "availability": EVENINGS,
        "consents": CONSENTS,
        **snapshot,
    }
    return MemberJoined(member_id=member_id, association_id=association_id, **values)


def approved(member_id: UUID, association_id: UUID, **values: Any) -> MentorApproved:
    settings: dict[str, Any] = {
        "conditions": ["M79.7"],
        "diagnosed_in": {"M79.7": 2010},
        "capacity": 2,
        "modalities": ["video"],
        **values,
    }
    return MentorApproved(member_id=member_id, association_id=association_id, **settings)


@dataclass
class Facts:
    pool: asyncpg.Pool

    async def apply(self, data: MessageData) -> bool:
        """Apply one new message as the consumer does."""
        return await self.deliver(new_envelope(data, source="membership"))

    async def deliver(self, envelope: Envelope) -> bool:
        """Apply a message as the consumer does; False when it was already applied."""
        return await apply_once(self.pool, GROUP, envelope, apply_member_message)

    async def mentee(self, association_id: UUID, **snapshot: Any) -> UUID:
        """A member who joined asking for a mentor."""
        member_id = uuid4()
        await self.apply(joined(member_id, association_id, wants_mentor=True, **snapshot))
        return member_id

    async def mentor(self, association_id: UUID, *, snapshot: dict[str, Any] | None = None, **mentoring: Any) -> UUID:
        """A member who joined and was approved as a mentor."""
        member_id = uuid4()
        await self.apply(joined(member_id, association_id, roles=["member", "mentor"], **(snapshot or {})))
        await self.apply(approved(member_id, association_id, **mentoring))
        return member_id

    async def messages(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Payloads (`data`) staged in the outbox, oldest first, optionally of one type."""
        return [envelope["data"] for envelope in await staged_messages(self.pool, event_type)]

    async def request_of(self, mentee_id: UUID) -> asyncpg.Record:
        row: asyncpg.Record = await self.pool.fetchrow(
            "SELECT * FROM requests WHERE mentee_id = $1 ORDER BY created_at DESC LIMIT 1", mentee_id
        )
        return row

    async def load_of(self, mentor_id: UUID) -> int:
        load: int = await self.pool.fetchval("SELECT sum(load) FROM mentors WHERE member_id = $1", mentor_id)
        return load
