"""The /api proxy: the member's token goes upstream, the browser's credentials never do; streams pass
through as they come and close with the browser; tokens are refreshed once for many parallel calls, and a
refused refresh ends the session."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from gateway.adapters import sessions
from gateway.domain.sessions import id_hash
from shared.testing.eventually import eventually

from .conftest import Gateway


async def test_the_member_token_goes_upstream_and_the_browsers_credentials_never_do(gateway: Gateway) -> None:
    await gateway.sign_in()
    gateway.client.cookies.set("tracking", "must-not-travel")

    response = await gateway.client.get(
        "/api/notifications/me/inbox",
        params={"access_token": "stolen.token.value", "before": "x"},
        headers={"Authorization": "Bearer forged", "X-Request-ID": "req-123", "Last-Event-ID": "7"},
    )

    assert response.status_code == 200, response.text
    seen = gateway.recorder.seen[-1]
    assert seen["path"] == "/me/inbox"
    assert seen["query"] == {"before": "x"}, "?access_token= is dropped, the rest passes"
    assert "cookie" not in seen["headers"]
    bearer = seen["headers"]["authorization"]
    assert bearer.startswith("Bearer ") and bearer != "Bearer forged"
    principal = await gateway.service.dependencies.jwt_validator.principal_of(bearer.removeprefix("Bearer "))
    assert principal.member_id == gateway.recorder.member_id
    assert seen["headers"]["x-request-id"] == "req-123"
    assert response.headers["cache-control"] == "no-store"


async def test_only_listed_routes_are_forwarded_and_only_for_a_signed_in_browser(gateway: Gateway) -> None:
    assert (await gateway.client.get("/api/notifications/me/inbox")).status_code == 401
    await gateway.sign_in()
    before = len(gateway.recorder.seen)

    for path in ("/api/membership/internal/member-keys/x", "/api/membership/me/export", "/api/nowhere/me"):
        assert (await gateway.client.get(path)).status_code == 404, path
    assert len(gateway.recorder.seen) == before, "nothing unlisted reached a service"


async def test_a_stream_passes_through_event_by_event_resumes_and_closes_with_the_browser(gateway: Gateway) -> None:
    await gateway.sign_in()
    async with gateway.client.stream(
        "GET", "/api/notifications/me/inbox/stream", headers={"Last-Event-ID": "4"}, timeout=httpx.Timeout(5, read=10)
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-accel-buffering"] == "no"
        ids = []
        lines = response.aiter_lines()
        while len(ids) < 3:
            try:
                async with asyncio.timeout(5):
                    line = await anext(lines)
            except TimeoutError:
                pytest.fail(f"after events {ids} the next never came: the proxy held an event back")
            if line.startswith("id:"):
                ids.append(line.removeprefix("id:").strip())
                gateway.recorder.event_seen.set()  # only now does the upstream send the next one
    assert ids == ["5", "6", "7"], "Last-Event-ID reached the service: the stream resumed after event 4"
    await eventually(lambda: gateway.recorder.open_streams, until=lambda n: n == 0, timeout=5, what="upstream closed")


async def test_parallel_calls_near_expiry_make_one_refresh(gateway: Gateway) -> None:
    await gateway.sign_in()
    await gateway.pool.execute(
        "UPDATE sessions SET access_expires = now() + interval '10 seconds' WHERE id_hash = $1",
        id_hash(gateway.session_cookie()),
    )

    answers = await asyncio.gather(*(gateway.client.get("/api/notifications/me/inbox") for _ in range(6)))

    assert [a.status_code for a in answers] == [200] * 6
    assert gateway.recorder.refreshes == 1, "one refresh token, spent once"
    tokens = {s["headers"]["authorization"] for s in gateway.recorder.seen[-6:]}
    assert len(tokens) == 1, "every call after the refresh used the new token"


async def test_a_refused_refresh_ends_the_session(gateway: Gateway) -> None:
    await gateway.sign_in()
    cookie = gateway.session_cookie()
    gateway.recorder.refuse_refresh = True
    await gateway.pool.execute("UPDATE sessions SET access_expires = now() WHERE id_hash = $1", id_hash(cookie))

    assert (await gateway.client.get("/api/notifications/me/inbox")).status_code == 401
    assert await sessions.load(gateway.pool, cookie, gateway.service.dependencies.clock()) is None
    page = await gateway.client.get("/inbox")
    assert page.status_code == 303 and page.headers["location"].startswith("/sign-in")
