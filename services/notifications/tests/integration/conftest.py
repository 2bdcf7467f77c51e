"""Notifications API harness: the real app (as `bootstrap` builds it) on a fresh real PostgreSQL database.

`api` drives it over HTTP the way the gateway would, with access tokens signed by a key made for the
test (membership is not running). Set-up shortcuts write inbox entries and deliveries with SQL, as the
notification pipeline would. `served` runs the same app under a real uvicorn server on a free port, for
the live event stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from litestar import Litestar

from notifications.adapters.inbox_listener import InboxListener
from notifications.bootstrap import MIGRATIONS, NotificationsServiceSettings, bootstrap
from shared.db.pool import DatabaseSettings
from shared.testing.plugin import ServiceDatabase
from shared.testing.served import served as serve_app
from shared.testing.service_client import service_client
from shared.testing.tokens import Member, Tokens


@dataclass
class Api:
    client: httpx.AsyncClient
    app: Litestar
    pool: asyncpg.Pool
    tokens: Tokens
    listener: InboxListener
    unsubscribe_secret: str

    def member(self, association_id: UUID | None = None, roles: Sequence[str] = ("member",)) -> Member:
        member_id, association_id = uuid4(), association_id or uuid4()
        return Member(member_id, association_id, self.tokens.issue(member_id, {str(association_id): list(roles)}))

    async def in_directory(self, member: Member, *, time_zone: str | None = None) -> None:
        """The member as membership told notifications about them."""
        await self.pool.execute(
            "INSERT INTO directory (member_id, association_id, associations, display_name, email, time_zone)"
            " VALUES ($1, $2, $3, 'Ada Example', 'ada@example.org', $4)",
            member.member_id,
            member.association_id,
            [member.association_id],
            time_zone,
        )

    async def entry(
        self,
        member: Member | UUID,
        *,
        title: str = "A mentor is proposed",
        category: str = "matching",
        created_at: datetime | None = None,
        read: bool = False,
    ) -> UUID:
        """An inbox entry, inserted as the notification pipeline does (the `inbox` trigger fires)."""
        entry_id = uuid4()
        await self.pool.execute(
            "INSERT INTO inbox_entries (entry_id, member_id, event_id, category, template, title, body, link,"
            " context, created_at, read_at)"
            " VALUES ($1, $2, $3, $4, 'match_proposed', $5, 'Open it to answer.', 'http://web/proposals/1',"
            " $6, coalesce($7, now()), CASE WHEN $8 THEN now() END)",
            entry_id,
            member.member_id if isinstance(member, Member) else member,
            uuid4(),
            category,
            title,
            {"mentor_name": "Grace Private", "email": "grace@example.org"},
            created_at,
            read,
        )
        return entry_id

    async def delivery(
        self,
        association_id: UUID | None,
        member_id: UUID | None = None,
        status: str = "sent",
        *,
        reason: str | None = None,
        created_at: datetime | None = None,
    ) -> UUID:
        """An e-mail delivery as the pipeline records it (its context holds what must never be shown)."""
        delivery_id = uuid4()
        await self.pool.execute(
            "INSERT INTO deliveries (delivery_id, event_id, member_id, channel, association_id, category, template,"
            " context, status, status_reason, attempts, message_id, created_at, sent_at)"
            " VALUES ($1, $2, $3, 'email', $4, 'conferences', 'registration_confirmed', $5, $6, $7, 1, $8,"
            " coalesce($9, now()), CASE WHEN $6 = 'sent' THEN now() END)",
            delivery_id,
            uuid4(),
            member_id or uuid4(),
            association_id,
            {"body": "Dear Ada, your seat is booked", "email": "ada@example.org"},
            status,
            reason,
            f"<{delivery_id}@fellowship.test>",
            created_at,
        )
        return delivery_id

    async def preference(self, member: Member, category: str, channel: str) -> bool | None:
        """The stored choice (None: never chosen, so on)."""
        enabled: bool | None = await self.pool.fetchval(
            "SELECT enabled FROM preferences WHERE member_id = $1 AND category = $2 AND channel = $3",
            member.member_id,
            category,
            channel,
        )
        return enabled


@pytest.fixture
def tokens() -> Tokens:
    return Tokens()


@pytest.fixture
async def api(service_database: ServiceDatabase, tokens: Tokens) -> AsyncIterator[Api]:
    url = await service_database(MIGRATIONS)
    settings = NotificationsServiceSettings(database=DatabaseSettings(url=url))
    service = await bootstrap(settings, jwt_validator=tokens.validator())
    listener = service.dependencies.inbox_listener
    async with service_client(service) as client:
        try:
            yield Api(
                client=client,
                app=service.app,
                pool=service.pool,
                tokens=tokens,
                listener=listener,
                unsubscribe_secret=service.dependencies.unsubscribe_secret,
            )
        finally:
            await listener.stop()  # before the pool closes: it holds a connection


@pytest.fixture
async def served(api: Api) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same app served by uvicorn on 127.0.0.1 (real sockets, so streams really stream)."""
    async with serve_app(api.app) as base_url, httpx.AsyncClient(base_url=base_url, timeout=5) as client:
        yield client
