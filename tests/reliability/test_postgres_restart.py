"""PostgreSQL restarted under running services: membership and matching (HTTP, outbox relay, consumers,
solver loop) keep running through it, recover by themselves and lose nothing: a join committed before
the restart and one made after it both reach matching, and both services are ready again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import pytest

from matching.bootstrap import MatchingSettings
from matching.bootstrap import bootstrap as matching_bootstrap
from membership.bootstrap import MembershipSettings
from membership.bootstrap import bootstrap as membership_bootstrap
from shared.db.migrations import apply_migrations
from shared.db.pool import DatabaseSettings
from shared.db.provision import ensure_database
from shared.embedded import EmbeddedPostgres, free_port
from shared.messaging import KafkaSettings
from shared.protection import use_key_source
from shared.service import Service
from shared.testing.eventually import eventually
from shared.testing.member_keys import DatabaseMemberKeys
from shared.testing.topics import make_topics

PASSWORD = "correct horse battery staple"


@pytest.fixture
async def postgres(tmp_path: Path) -> AsyncIterator[EmbeddedPostgres]:
    server = EmbeddedPostgres(tmp_path / "pg", free_port(), durable=False)
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


async def database(server: EmbeddedPostgres, name: str, migrations: Path) -> DatabaseSettings:
    url = await ensure_database(server.url, name, password=name)
    await asyncio.to_thread(apply_migrations, url, migrations)
    return DatabaseSettings(url=url, command_timeout_seconds=5)


async def join(client: httpx.AsyncClient, association: str) -> UUID:
    """A newcomer registers, logs in and joins (retrying while the database is still coming back)."""
    email = f"{uuid4().hex[:10]}@example.org"

    async def register() -> httpx.Response:
        return await client.post("/auth/register", json={"email": email, "password": PASSWORD, "display_name": "R"})

    await eventually(register, until=lambda r: r.status_code == 202, timeout=60, interval=0.5)
    tokens = (await client.post("/auth/login", json={"email": email, "password": PASSWORD})).json()
    me = {"Authorization": f"Bearer {tokens['access_token']}"}
    joined = await client.post(f"/associations/{association}/join", headers=me)
    assert joined.status_code == 201, joined.text
    return UUID((await client.get("/me", headers=me)).json()["member_id"])


async def known_to_matching(matching: Service[object], member_id: UUID) -> bool:  # type: ignore[type-var]
    try:
        return bool(await matching.pool.fetchval("SELECT count(*) FROM people WHERE member_id = $1", member_id))
    except Exception:  # the database is still restarting
        return False


@pytest.mark.slow
async def test_services_recover_from_a_postgres_restart_by_themselves_and_lose_nothing(
    postgres: EmbeddedPostgres, kafka_settings: KafkaSettings
) -> None:
    from matching.bootstrap import MIGRATIONS as MATCHING_MIGRATIONS
    from membership.bootstrap import MIGRATIONS as MEMBERSHIP_MIGRATIONS

    await make_topics(kafka_settings.bootstrap_servers, "membership.member.v1", "membership.contact.v1")
    membership = await membership_bootstrap(
        MembershipSettings(database=await database(postgres, "membership", MEMBERSHIP_MIGRATIONS), kafka=kafka_settings)
    )
    matching = await matching_bootstrap(
        MatchingSettings(database=await database(postgres, "matching", MATCHING_MIGRATIONS), kafka=kafka_settings)
    )
    # membership answers in-process here (no port): matching reads people's data keys from its table
    use_key_source(DatabaseMemberKeys(membership.pool))
    await membership.workers.start()
    await matching.workers.start()
    members = httpx.AsyncClient(transport=httpx.ASGITransport(app=membership.app), base_url="http://membership")  # type: ignore[arg-type]
    matches = httpx.AsyncClient(transport=httpx.ASGITransport(app=matching.app), base_url="http://matching")  # type: ignore[arg-type]
    try:
        association = uuid4()
        await membership.pool.execute(
            "INSERT INTO associations (association_id, name, slug) VALUES ($1, 'Restart', 'restart')", association
        )
        before = await join(members, str(association))

        await asyncio.to_thread(postgres.stop)  # a restart, as a fail-over or an upgrade would do
        await asyncio.sleep(3)
        assert (await members.get("/ready")).status_code == 503
        body = {"email": "x@example.org", "password": PASSWORD, "display_name": "X"}
        refused = await members.post("/auth/register", json=body)
        assert refused.status_code == 503 and refused.headers["retry-after"], refused.text  # not a 500
        await asyncio.to_thread(postgres.start)

        after = await join(members, str(association))
        for member_id in (before, after):
            await eventually(lambda m=member_id: known_to_matching(matching, m), timeout=60, interval=0.2)
        for client in (members, matches):
            ready = await eventually(lambda c=client: c.get("/ready"), until=lambda r: r.status_code == 200, timeout=30)
            assert ready.json()["checks"]["database"] == "ok"
    finally:
        await members.aclose()
        await matches.aclose()
        await matching.workers.stop()
        await membership.workers.stop()
