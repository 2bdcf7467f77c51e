"""The per-address login limit is keyed on the real client: X-Forwarded-For is believed only from the
proxies configured in HTTP_TRUSTED_PROXIES (none by default), served by uvicorn as in production."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from uuid import uuid4

import httpx
import pytest
import uvicorn

from membership.bootstrap import MIGRATIONS, MembershipSettings, bootstrap
from shared.db.pool import DatabaseSettings
from shared.embedded import free_port
from shared.testing.plugin import ServiceDatabase
from shared.web.server import HttpSettings, uvicorn_config


@contextlib.asynccontextmanager
async def served(service_database: ServiceDatabase, trusted: list[str]) -> AsyncIterator[httpx.AsyncClient]:
    http = HttpSettings(port=free_port(), trusted_proxies=trusted)
    service = await bootstrap(MembershipSettings(database=DatabaseSettings(url=await service_database(MIGRATIONS))))
    server = uvicorn.Server(uvicorn_config(service.app, http))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http.port}", timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        await task
        await service.pool.close()


async def failed_logins_from_many_forged_addresses(client: httpx.AsyncClient, attempts: int) -> list[int]:
    statuses = []
    for n in range(attempts):  # other accounts each time: only the per-address limit (20) can answer 429
        body = {"email": f"{uuid4().hex[:8]}@example.org", "password": "a wrong password, surely"}
        response = await client.post("/auth/login", json=body, headers={"X-Forwarded-For": f"203.0.113.{n}"})
        statuses.append(response.status_code)
    return statuses


@pytest.mark.parametrize("trusted", [[], ["10.0.0.1"]], ids=["no proxy", "another proxy"])
async def test_a_forged_forwarded_for_does_not_escape_the_per_address_limit(
    service_database: ServiceDatabase, trusted: list[str]
) -> None:
    async with served(service_database, trusted) as client:
        statuses = await failed_logins_from_many_forged_addresses(client, 25)
    assert statuses[:20] == [401] * 20
    assert statuses[20:] == [429] * 5, statuses


async def test_the_forwarded_for_of_a_trusted_proxy_is_the_client(service_database: ServiceDatabase) -> None:
    async with served(service_database, ["127.0.0.1"]) as client:
        statuses = await failed_logins_from_many_forged_addresses(client, 25)
    assert statuses == [401] * 25  # each a different real client behind the gateway
