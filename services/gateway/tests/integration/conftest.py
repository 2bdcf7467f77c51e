"""The gateway's real app (as `bootstrap` builds it) on a fresh real PostgreSQL database, served by uvicorn,
in front of a recording upstream that plays the services' part for what these tests look at: which headers
and parameters reach a service, how many token refreshes happen, and whether a stream is passed on as it
comes. Its tokens are signed by a key made for the test and checked by the gateway as membership's would be.
(The whole platform, with the real services behind the gateway, is tested in tests/e2e.)
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import asyncpg
import httpx
import pytest
from litestar import Litestar, Request, Response, get, post
from litestar.response import ServerSentEvent, ServerSentEventMessage

from gateway.bootstrap import MIGRATIONS, bootstrap
from gateway.settings import GatewaySettings, RateLimitSettings, UpstreamSettings, WebSettings
from shared.db.pool import DatabaseSettings
from shared.embedded import free_port
from shared.service import Service
from shared.testing.plugin import ServiceDatabase
from shared.testing.proxy import FaultyProxy, through
from shared.testing.served import served
from shared.testing.tokens import Tokens


@dataclass
class Recorder:
    """What the upstream saw, and how it answers."""

    tokens: Tokens
    member_id: UUID = field(default_factory=uuid4)
    association_id: UUID = field(default_factory=uuid4)
    seen: list[dict[str, Any]] = field(default_factory=list)
    refreshes: int = 0
    refuse_refresh: bool = False
    open_streams: int = 0
    # The stream sends its next event only once the test has seen the last one (`event_seen`): an event the
    # proxy held back never leads to the next, so the test times out instead of depending on timing.
    event_seen: asyncio.Event = field(default_factory=asyncio.Event)
    roles: list[str] = field(default_factory=lambda: ["member"])

    refresh_tokens: dict[str, UUID] = field(default_factory=dict)  # refresh token → whose

    def pair(self, member_id: UUID | None = None) -> dict[str, Any]:
        member = member_id or self.member_id
        access = self.tokens.issue(member, {str(self.association_id): list(self.roles)})
        refresh = str(uuid4())
        self.refresh_tokens[refresh] = member
        return {"access_token": access, "token_type": "Bearer", "expires_in": 300, "refresh_token": refresh}

    def app(self) -> Litestar:
        recorder = self

        def record(request: Request[Any, Any, Any]) -> None:
            recorder.seen.append(
                {"path": request.url.path, "query": dict(request.query_params), "headers": dict(request.headers)}
            )

        @post("/auth/login", status_code=200)
        async def login(request: Request[Any, Any, Any]) -> dict[str, Any]:
            record(request)
            email = (await request.json())["email"]
            return recorder.pair(recorder.member_id if email == "ada@example.org" else uuid5(NAMESPACE_URL, email))

        @post("/auth/refresh", status_code=200)
        async def refresh(request: Request[Any, Any, Any]) -> Any:
            record(request)
            recorder.refreshes += 1
            await asyncio.sleep(0.2)  # slow enough for parallel requests to pile up behind it
            member = recorder.refresh_tokens.pop((await request.json())["refresh_token"], None)
            if recorder.refuse_refresh or member is None:  # unknown or spent: membership refuses it too
                return Response({"detail": "refresh token revoked"}, status_code=401)
            return recorder.pair(member)

        @post("/auth/logout", status_code=204)
        async def logout(request: Request[Any, Any, Any]) -> None:
            record(request)

        @get("/me")
        async def me(request: Request[Any, Any, Any]) -> dict[str, Any]:
            record(request)
            return {
                "member_id": str(recorder.member_id),
                "profile": {
                    "display_name": "Ada",
                    "locale": "en",
                    "time_zone": "Europe/Paris",
                },  # as membership sends it
                "memberships": [{"association_id": str(recorder.association_id), "status": "active"}],
                "federation_roles": [],
            }

        @get("/me/inbox")
        async def inbox(request: Request[Any, Any, Any]) -> dict[str, Any]:
            record(request)
            return {"entries": [], "next_before": None}

        @get("/me/inbox/stream")
        async def stream(request: Request[Any, Any, Any]) -> ServerSentEvent:
            record(request)
            start = int(request.headers.get("last-event-id", "0"))

            async def events() -> AsyncIterator[ServerSentEventMessage]:
                recorder.open_streams += 1
                try:
                    for n in range(start + 1, start + 4):
                        recorder.event_seen.clear()
                        yield ServerSentEventMessage(data=f'{{"n": {n}}}', event="notification", id=str(n))
                        await recorder.event_seen.wait()
                    await asyncio.sleep(30)  # then stay open, as a real stream does
                finally:
                    recorder.open_streams -= 1

            return ServerSentEvent(events())

        return Litestar([login, refresh, logout, me, inbox, stream])


@dataclass
class Gateway:
    client: httpx.AsyncClient  # a browser of the gateway: it keeps cookies
    url: str
    pool: asyncpg.Pool
    recorder: Recorder
    service: Service[Any]
    database_link: FaultyProxy  # the gateway reaches its database through it: `cut()` is an outage

    async def csrf(self, path: str = "/sign-in") -> str:
        page = await self.client.get(path)
        found = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page.text)
        assert found, page.text
        return found.group(1)

    async def sign_in(self, email: str = "ada@example.org", client: httpx.AsyncClient | None = None) -> None:
        browser = client or self.client
        page = await browser.get("/sign-in")
        token = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page.text)
        assert token, page.text
        response = await browser.post(
            "/sign-in", data={"_csrf_token": token.group(1), "email": email, "password": "a long walk"}
        )
        assert response.status_code == 303, response.text

    def browser(self) -> httpx.AsyncClient:
        """Another browser (its own cookies) of the same gateway."""
        return httpx.AsyncClient(base_url=self.url, timeout=10)

    def session_cookie(self) -> str:
        return self.client.cookies["fellowship_session"]


@pytest.fixture
async def gateway(service_database: ServiceDatabase) -> AsyncIterator[Gateway]:
    tokens = Tokens()
    recorder = Recorder(tokens)
    async with served(recorder.app()) as upstream_url:
        url = await service_database(MIGRATIONS)
        link = FaultyProxy(free_port(), urlsplit(url).port or 5432)
        await link.start()
        upstreams = UpstreamSettings(
            membership_url=upstream_url,
            events_url=upstream_url,
            matching_url=upstream_url,
            notifications_url=upstream_url,
        )
        settings = GatewaySettings(
            database=DatabaseSettings(url=through(url, link.listen_port)),
            upstreams=upstreams,
            web=WebSettings(secret_key="test-secret", cookie_secure=False),
            rate_limits=RateLimitSettings(page=1000, posting=1000, sign_in=1000),
        )
        service = await bootstrap(settings, jwt_validator=tokens.validator())
        async with served(service.app) as gateway_url, httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
            try:
                yield Gateway(client, gateway_url, service.pool, recorder, service, link)
            finally:
                await service.pool.close()
                await link.stop()
