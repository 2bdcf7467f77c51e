"""The live inbox stream (Server-Sent Events) under a real uvicorn server: a new entry reaches its member's
open stream within moments, only theirs; Last-Event-ID resumes; the stream ends cleanly and leaves nothing
behind when the client goes, when its token expires, or when the server stops."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest

from notifications.entrypoints.http import inbox as inbox_http
from shared.testing.eventually import eventually

from .conftest import Api, Member

ARRIVAL = 2.0  # seconds an entry may take to reach an open stream


class Events:
    """Reads an event stream block by block: each block's fields, with comments under "comment"."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines: AsyncIterator[str] = response.aiter_lines()

    async def next(self, timeout: float = ARRIVAL) -> dict[str, str]:
        block: dict[str, str] = {}
        async with asyncio.timeout(timeout):
            async for line in self._lines:
                if not line:
                    if block:
                        return block
                    continue
                name, _, value = line.partition(":")
                block[name or "comment"] = value.removeprefix(" ")
        raise EOFError(f"the stream ended{' after ' + repr(block) if block else ''}")

    async def notification(self, timeout: float = ARRIVAL) -> dict[str, Any]:
        """The next notification, skipping keep-alive comments."""
        while "comment" in (block := await self.next(timeout)):
            pass
        assert block["event"] == "notification", block
        data: dict[str, Any] = json.loads(block["data"])
        assert block["id"] == data["entry_id"]
        return data

    async def end(self, timeout: float = ARRIVAL) -> list[dict[str, str]]:
        """What is left until the server ends the stream (raises TimeoutError if it does not)."""
        rest = []
        try:
            while True:
                rest.append(await self.next(timeout))
        except EOFError:
            return rest


def _open(served: httpx.AsyncClient, member: Member, *, headers: dict[str, str] | None = None, **params: str) -> Any:
    return served.stream("GET", "/me/inbox/stream", headers=headers or member.headers, params=params)


async def test_a_new_entry_reaches_the_open_stream_at_once(api: Api, served: httpx.AsyncClient) -> None:
    member, other = api.member(), api.member()
    await api.entry(member, title="before the stream opened")

    async with _open(served, member) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = Events(response)
        ready = await events.next()
        assert ready == {"retry": "3000", "comment": "keep-alive"}  # nothing older is replayed

        await api.entry(other, title="someone else's")
        started = time.monotonic()
        entry_id = await api.entry(member, title="a mentor is proposed")
        data = await events.notification()
        elapsed = time.monotonic() - started

    assert data["entry_id"] == str(entry_id) and data["title"] == "a mentor is proposed"
    assert data["category"] == "matching" and data["read"] is False and data["link"] == "http://web/proposals/1"
    assert "context" not in data
    assert elapsed < ARRIVAL


async def test_each_new_entry_arrives_once_in_order(api: Api, served: httpx.AsyncClient) -> None:
    member = api.member()

    async with _open(served, member) as response:
        events = Events(response)
        await events.next()
        ids = [await api.entry(member, title=f"entry {i}") for i in range(5)]
        received = [UUID((await events.notification())["entry_id"]) for _ in ids]
        more = await _quiet_for(events, 0.5)

    assert received == ids
    assert more == []


async def test_an_entry_committed_after_a_newer_one_still_arrives(api: Api, served: httpx.AsyncClient) -> None:
    """created_at is when a transaction began: a slow transaction's entry becomes visible after a newer one."""
    member = api.member()

    async with _open(served, member) as response:
        events = Events(response)
        await events.next()
        async with api.pool.acquire() as slow:
            transaction = slow.transaction()
            await transaction.start()
            await slow.execute("SELECT now()")  # the transaction's clock starts here
            await asyncio.sleep(0.05)
            fast_id = await api.entry(member, title="fast")
            first = await events.notification()
            slow_id = await _insert_in(slow, member, "slow")
            await transaction.commit()
            second = await events.notification()

    assert (first["entry_id"], second["entry_id"]) == (str(fast_id), str(slow_id))
    assert datetime.fromisoformat(second["created_at"]) < datetime.fromisoformat(first["created_at"])


async def test_last_event_id_resumes_after_the_entry_seen_last(api: Api, served: httpx.AsyncClient) -> None:
    member = api.member()
    t0 = datetime.now(UTC) - timedelta(hours=2)
    ids = [await api.entry(member, title=f"entry {i}", created_at=t0 + timedelta(minutes=i)) for i in range(3)]

    async with _open(served, member, headers={**member.headers, "Last-Event-ID": str(ids[0])}) as response:
        events = Events(response)
        missed = [await events.notification(), await events.notification()]
        ready = await events.next()

    assert [UUID(data["entry_id"]) for data in missed] == ids[1:]
    assert ready["comment"] == "keep-alive"


async def test_browsers_can_give_the_token_in_the_query(api: Api, served: httpx.AsyncClient) -> None:
    member = api.member()

    async with _open(served, member, headers={}, access_token=member.token) as response:
        assert response.status_code == 200
        events = Events(response)
        await events.next()
        entry_id = await api.entry(member)
        data = await events.notification()

    assert data["entry_id"] == str(entry_id)


async def test_a_client_that_leaves_leaves_no_subscription_or_connection_behind(
    api: Api, served: httpx.AsyncClient
) -> None:
    member = api.member()

    async with _open(served, member) as response:
        events = Events(response)  # kept: dropping its line iterator would close the response
        await events.next()
        await _eventually(lambda: api.listener.open_streams == 1 and api.listener.listening)

    await _eventually(lambda: api.listener.open_streams == 0 and not api.listener.listening)
    await api.entry(member)  # nobody listens: nothing to do, nothing breaks


async def test_the_stream_ends_cleanly_when_the_server_stops(api: Api, served: httpx.AsyncClient) -> None:
    member = api.member()

    async with _open(served, member) as response:
        events = Events(response)
        await events.next()
        api.listener.close()  # what stopping the service does
        rest = await events.end()

    assert rest == []
    assert api.listener.open_streams == 0
    await _eventually(lambda: not api.listener.listening)


async def test_the_stream_ends_when_the_token_expires(api: Api, served: httpx.AsyncClient) -> None:
    member = api.member()
    leeway = api.tokens.settings.leeway_seconds
    # acceptable for 2-3 s more (token times are whole seconds): time to open the stream on a loaded machine
    token = api.tokens.issue(member.member_id, lifetime=timedelta(seconds=3 - leeway))

    async with _open(served, member, headers={"Authorization": f"Bearer {token}"}) as response:
        assert response.status_code == 200
        events = Events(response)
        rest = await events.end(timeout=6)

    assert rest == [{"retry": "3000", "comment": "keep-alive"}]


async def test_a_quiet_stream_gets_keep_alive_comments(
    api: Api, served: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox_http, "KEEPALIVE_SECONDS", 0.2)  # 15 s in service
    member = api.member()

    async with _open(served, member) as response:
        events = Events(response)
        await events.next()
        quiet = [await events.next(timeout=1), await events.next(timeout=1)]

    assert quiet == [{"comment": "keep-alive"}, {"comment": "keep-alive"}]


async def test_streams_survive_losing_the_listening_connection(api: Api, served: httpx.AsyncClient) -> None:
    member = api.member()

    async with _open(served, member) as response:
        events = Events(response)
        await events.next()
        await _eventually(lambda: api.listener.listening)
        terminated = await api.pool.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'"
        )
        entry_id = await api.entry(member)  # while nobody listens
        data = await events.notification(timeout=5)

    assert terminated == 1
    assert data["entry_id"] == str(entry_id)


# -- helpers -------------------------------------------------------------------------------------------
async def _insert_in(conn: Any, member: Member, title: str) -> UUID:
    entry_id: UUID = await conn.fetchval(
        "INSERT INTO inbox_entries (entry_id, member_id, event_id, category, template, title, body)"
        " VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'matching', 'match_proposed', $2, 'body')"
        " RETURNING entry_id",
        member.member_id,
        title,
    )
    return entry_id


async def _quiet_for(events: Events, seconds: float) -> list[dict[str, str]]:
    """Blocks that arrive within `seconds`."""
    blocks = []
    try:
        while True:
            blocks.append(await events.next(seconds))
    except TimeoutError:
        return blocks


async def _eventually(condition: Any, timeout: float = ARRIVAL) -> None:
    await eventually(condition, timeout=timeout, interval=0.02)
