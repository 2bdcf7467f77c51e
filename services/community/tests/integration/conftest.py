"""Community test harness: the real app (as `bootstrap` builds it) on a fresh real PostgreSQL database, driven
over HTTP with access tokens signed by a key made for the test (membership is not running)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest

from community.bootstrap import MIGRATIONS, bootstrap
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

    async def write(self, author: Member, **fields: Any) -> dict[str, Any]:
        body = {
            "association_id": str(author.association_id),
            "pen_name": "Blue Heron",
            "title": "The year I learnt to pace myself",
            "body": "When the pain came back I stopped everything. Little by little I learnt to do a bit every day.",
            "language": "en",
            "topics": ["coping"],
            "conditions": ["M79.7"],
            "visibility": "association",
            "consent": True,
            **fields,
        }
        written = await self.client.post("/stories", json=body, headers=author.headers)
        assert written.status_code == 201, written.text
        return dict(written.json())

    async def decide(self, moderator: Member, story_id: str, decision: str, note: str = "") -> httpx.Response:
        body = {"decision": decision, "note": note}
        return await self.client.post(f"/stories/{story_id}/decision", json=body, headers=moderator.headers)

    async def messages(self, event_type: str | None = None) -> list[dict[str, Any]]:
        return await staged_messages(self.pool, event_type)


@pytest.fixture
def tokens() -> Tokens:
    return Tokens()


@pytest.fixture
async def api(service_database: ServiceDatabase, tokens: Tokens) -> AsyncIterator[Api]:
    url = await service_database(MIGRATIONS)
    settings = ServiceSettings(database=DatabaseSettings(url=url, pool_max_size=10))
    service = await bootstrap(settings, jwt_validator=tokens.validator())
    async with service_client(service) as client:
        yield Api(client=client, pool=service.pool, tokens=tokens)
