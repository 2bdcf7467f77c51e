"""Events test harness: the real app (as `bootstrap` builds it) on a fresh real PostgreSQL database, driven
over HTTP with access tokens signed by a key made for the test (membership is not running)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from events.bootstrap import MIGRATIONS, bootstrap
from shared.db.pool import DatabaseSettings
from shared.service import ServiceSettings
from shared.testing.outbox import staged_messages
from shared.testing.plugin import ServiceDatabase
from shared.testing.service_client import service_client
from shared.testing.tokens import Member, Tokens


@dataclass
class Api:
    client: httpx.AsyncClient
    pool: asyncpg.Pool
    tokens: Tokens

    def member(self, association_id: UUID | None = None, *roles: str) -> Member:
        """A person with a token holding `roles` (default: member) in their association."""
        member_id, association_id = uuid4(), association_id or uuid4()
        token = self.tokens.issue(member_id, {str(association_id): list(roles or ("member",))})
        return Member(member_id, association_id, token)

    async def conference(
        self,
        host: Member,
        *,
        publish: bool = True,
        capacity: int = 10,
        starts_in: timedelta = timedelta(days=10),
        **fields: Any,
    ) -> dict[str, Any]:
        """A conference created (and published) by `host`, an admin of its association."""
        starts_at = datetime.now(UTC) + starts_in
        body = {
            "association_id": str(host.association_id),
            "title": "Living with migraine: what helps",
            "languages": ["en"],
            "audience": ["patients", "caregivers"],
            "conditions": ["G43"],
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=1)).isoformat(),
            "time_zone": "Europe/Paris",
            "capacity": capacity,
            **fields,
        }
        created = await self.client.post("/conferences/", json=body, headers=host.headers)
        assert created.status_code == 201, created.text
        if not publish:
            return dict(created.json())
        published = await self.client.post(
            f"/conferences/{created.json()['conference_id']}/publish", headers=host.headers
        )
        assert published.status_code == 200, published.text
        return dict(published.json())

    async def register(self, person: Member, conference_id: str, **body: Any) -> httpx.Response:
        return await self.client.post(f"/conferences/{conference_id}/registrations", json=body, headers=person.headers)

    async def act(self, person: Member, registration_id: str, action: str) -> httpx.Response:
        return await self.client.post(f"/me/registrations/{registration_id}/{action}", headers=person.headers)

    async def mine(self, person: Member) -> list[dict[str, Any]]:
        answer = await self.client.get("/me/registrations", headers=person.headers)
        assert answer.status_code == 200, answer.text
        return list(answer.json())

    async def messages(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return await staged_messages(self.pool, event_type)

    async def held(self, conference_id: str) -> int:
        """Places held by the event's row, checked against its registrations (they must never drift apart)."""
        held: int = await self.pool.fetchval(
            "SELECT held FROM conferences WHERE conference_id = $1", UUID(conference_id)
        )
        counted = await self.pool.fetchval(
            "SELECT coalesce(sum(places), 0) FROM registrations WHERE conference_id = $1"
            " AND status IN ('registered', 'offered')",
            UUID(conference_id),
        )
        assert held == counted, f"the event holds {held} places but its registrations hold {counted}"
        return held


@pytest.fixture
def tokens() -> Tokens:
    return Tokens()


@pytest.fixture
async def api(service_database: ServiceDatabase, tokens: Tokens) -> AsyncIterator[Api]:
    url = await service_database(MIGRATIONS)
    settings = ServiceSettings(database=DatabaseSettings(url=url, pool_max_size=20))
    service = await bootstrap(settings, jwt_validator=tokens.validator())
    async with service_client(service) as client:
        yield Api(client=client, pool=service.pool, tokens=tokens)
