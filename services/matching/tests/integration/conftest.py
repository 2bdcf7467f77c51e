"""Matching test harness: the real app (as `bootstrap` builds it) on a fresh real PostgreSQL database.

`api` drives it over HTTP the way the gateway would, with access tokens signed by a key made for the
test (membership is not running). Set-up shortcuts write matching's read model and workflow rows
directly, so a test states only the situation it is about.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from matching.bootstrap import MIGRATIONS, MatchingSettings, bootstrap
from shared.db.pool import DatabaseSettings
from shared.testing.outbox import staged_messages
from shared.testing.plugin import ServiceDatabase
from shared.testing.service_client import service_client
from shared.testing.tokens import Member, Tokens

BREAKDOWN = {"condition": 30.0, "availability": 15.0, "preferences": 10.0, "experience": 5.0, "waiting": 2.5}
SLOT = {
    "starts_at": "2030-01-08T18:00:00Z",
    "mentee_local": "Tuesday 19:00 (Europe/Paris)",
    "mentor_local": "Tuesday 18:00 (Europe/London)",
}


@dataclass
class Api:
    client: httpx.AsyncClient
    pool: asyncpg.Pool
    tokens: Tokens

    def headers(self, member_id: UUID, roles: dict[str, list[str]] | None = None, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.issue(member_id, roles, **claims)}"}

    async def member(
        self,
        association_id: UUID | None = None,
        roles: Sequence[str] = ("member",),
        *,
        active: bool = True,
        **person: Any,
    ) -> Member:
        """A member in matching's read model (`people` columns may be given) with a token for their roles."""
        member_id, association_id = uuid4(), association_id or uuid4()
        columns = {"languages": ["en"], "time_zone": "UTC", **person}
        names = ", ".join(columns)
        placeholders = ", ".join(f"${i}" for i in range(2, len(columns) + 2))
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                f"INSERT INTO people (member_id, {names}) VALUES ($1, {placeholders})", member_id, *columns.values()
            )
            await conn.execute(
                "INSERT INTO member_associations (member_id, association_id, roles, active) VALUES ($1, $2, $3, $4)",
                member_id,
                association_id,
                list(roles),
                active,
            )
        token = self.tokens.issue(member_id, {str(association_id): list(roles)})
        return Member(member_id, association_id, token)

    async def mentor(
        self, association_id: UUID, *, capacity: int = 2, load: int = 0, paused: bool = False, **person: Any
    ) -> Member:
        """An approved mentor of `association_id` (for M79.7, by video) with `load` places already taken."""
        mentor = await self.member(association_id, ("member", "mentor"), **person)
        await self.pool.execute(
            "INSERT INTO mentors (member_id, association_id, conditions, capacity, modalities, paused, load)"
            " VALUES ($1, $2, '{M79.7}', $3, '{video}', $4, $5)",
            mentor.member_id,
            association_id,
            capacity,
            paused,
            load,
        )
        return mentor

    async def request(self, mentee: Member, status: str = "open", **columns: Any) -> UUID:
        """A request of `mentee` in their association; `columns` of `requests` may be given."""
        request_id = uuid4()
        values = {"status": status, **columns}
        names = ", ".join(values)
        placeholders = ", ".join(f"${i}" for i in range(4, len(values) + 4))
        await self.pool.execute(
            f"INSERT INTO requests (request_id, mentee_id, association_id, {names}) VALUES ($1, $2, $3, {placeholders})",
            request_id,
            mentee.member_id,
            mentee.association_id,
            *values.values(),
        )
        return request_id

    async def proposal(
        self,
        request_id: UUID,
        mentor: Member,
        status: str = "proposed",
        *,
        expires_in: timedelta = timedelta(hours=72),
        reserve: bool = True,
        **columns: Any,
    ) -> UUID:
        """A proposal of `mentor` for a request, as the solver writes it: a waiting one makes an open request
        `proposed`, and (with `reserve`) takes a place of the mentor. `columns` of `proposals` may be given."""
        match_id = uuid4()
        values: dict[str, Any] = {
            "score": 62_500,
            "breakdown": BREAKDOWN,
            "first_slot": SLOT,
            "status": status,
            "expires_at": datetime.now(UTC) + expires_in,
            **columns,
        }
        names = ", ".join(values)
        placeholders = ", ".join(f"${i}" for i in range(5, len(values) + 5))
        async with self.pool.acquire() as conn, conn.transaction():
            inserted = await conn.execute(
                "INSERT INTO proposals (match_id, request_id, mentee_id, association_id, mentor_id,"
                f" mentor_association_id, {names})"
                f" SELECT $1, request_id, mentee_id, association_id, $3, $4, {placeholders}"
                " FROM requests WHERE request_id = $2",
                match_id,
                request_id,
                mentor.member_id,
                mentor.association_id,
                *values.values(),
            )
            assert inserted == "INSERT 0 1", f"no request {request_id}"
            if status == "proposed":
                await conn.execute(
                    "UPDATE requests SET status = 'proposed' WHERE request_id = $1 AND status = 'open'", request_id
                )
            if reserve:
                await conn.execute(
                    "UPDATE mentors SET load = load + 1 WHERE member_id = $1 AND association_id = $2",
                    mentor.member_id,
                    mentor.association_id,
                )
        return match_id

    async def messages(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Envelopes staged in the outbox, oldest first (with `topic` added)."""
        return await staged_messages(self.pool, event_type)

    async def load_of(self, mentor: Member) -> int:
        load: int = await self.pool.fetchval(
            "SELECT load FROM mentors WHERE member_id = $1 AND association_id = $2",
            mentor.member_id,
            mentor.association_id,
        )
        return load


@pytest.fixture
def tokens() -> Tokens:
    return Tokens()


@pytest.fixture
async def api(service_database: ServiceDatabase, tokens: Tokens) -> AsyncIterator[Api]:
    url = await service_database(MIGRATIONS)
    service = await bootstrap(MatchingSettings(database=DatabaseSettings(url=url)), jwt_validator=tokens.validator())
    async with service_client(service) as client:
        yield Api(client=client, pool=service.pool, tokens=tokens)
