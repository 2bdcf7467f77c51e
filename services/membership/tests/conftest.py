"""Membership test harness: the real app (as `bootstrap` builds it) on a fresh real PostgreSQL database.

`api` drives it over HTTP the way the gateway would; set-up shortcuts (an association, an admin) go
through the same adapters the use cases use, so a test states only what it is about.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from pydantic import SecretStr

from membership.adapters import accounts, associations, memberships
from membership.bootstrap import MIGRATIONS, MembershipSettings, bootstrap
from membership.domain.associations import NewAssociation
from shared.db.pool import DatabaseSettings
from shared.protection import MemberKeysSettings
from shared.testing.outbox import staged_messages
from shared.testing.plugin import ServiceDatabase
from shared.testing.service_client import service_client

PASSWORD = "correct horse battery staple"
SERVICE_TOKEN = "the-services-token-for-data-keys"


@dataclass
class Person:
    member_id: UUID
    email: str
    token: str
    password: str = PASSWORD

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Api:
    client: httpx.AsyncClient
    pool: asyncpg.Pool

    async def register(self, email: str | None = None, password: str = PASSWORD, **profile: Any) -> UUID:
        body = {"email": email or f"{uuid4().hex[:10]}@example.org", "password": password, **profile}
        body.setdefault("display_name", "Test Person")
        response = await self.client.post("/auth/register", json=body)
        assert response.status_code == 202, response.text
        member_id: UUID = await self.pool.fetchval(
            "SELECT member_id FROM accounts WHERE lower(email) = lower($1)", body["email"]
        )
        return member_id

    async def login(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        response = await self.client.post("/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def person(self, **profile: Any) -> Person:
        """A registered, logged-in person with no membership yet."""
        email = profile.pop("email", None) or f"{uuid4().hex[:10]}@example.org"
        member_id = await self.register(email, **profile)
        return Person(member_id=member_id, email=email, token=(await self.login(email))["access_token"])

    async def association(self, **settings: Any) -> UUID:
        association_id = uuid4()
        values = {"name": "Test association", "slug": f"a-{association_id.hex[:12]}", **settings}
        async with self.pool.acquire() as conn:
            await associations.insert_association(conn, association_id, NewAssociation.model_validate(values))
        return association_id

    async def member_of(self, association_id: UUID, roles: tuple[str, ...] = ("member",), **profile: Any) -> Person:
        """A person with an active membership (not announced to other services: set-up, not a join)."""
        person = await self.person(**profile)
        async with self.pool.acquire() as conn:
            await memberships.request_membership(conn, person.member_id, association_id, active=True, roles=list(roles))
        return person

    async def federation_admin(self) -> Person:
        person = await self.person()
        async with self.pool.acquire() as conn:
            await accounts.set_federation_roles(conn, person.member_id, ["federation_admin"])
        return person

    async def messages(self, event_type: str | None = None, *, raw: bool = False) -> list[dict[str, Any]]:
        """Envelopes staged in the outbox, oldest first (with `topic` added); sealed fields opened unless `raw`."""
        return await staged_messages(self.pool, event_type, raw=raw)


@pytest.fixture
async def api(service_database: ServiceDatabase) -> AsyncIterator[Api]:
    url = await service_database(MIGRATIONS)
    settings = MembershipSettings(
        database=DatabaseSettings(url=url), member_keys=MemberKeysSettings(token=SecretStr(SERVICE_TOKEN))
    )
    service = await bootstrap(settings)
    async with service_client(service) as client:
        yield Api(client=client, pool=service.pool)
