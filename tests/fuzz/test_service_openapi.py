"""The fuzz tier, for events, matching, notifications and community: Schemathesis against each running service process,
every operation of its OpenAPI document fed generated valid and invalid input, with a real access token
from a running membership (an admin of an association, with every consent): no server error."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from community.bootstrap import MIGRATIONS as COMMUNITY
from events.bootstrap import MIGRATIONS as EVENTS
from matching.bootstrap import MIGRATIONS as MATCHING
from membership.bootstrap import MIGRATIONS as MEMBERSHIP
from notifications.bootstrap import MIGRATIONS as NOTIFICATIONS
from shared.embedded import free_port
from shared.embedded.process import spawn, terminate
from shared.testing.eventually import eventually
from shared.testing.infrastructure import KafkaServer
from shared.testing.plugin import ServiceDatabase

from .schemathesis_run import assert_no_server_error, caller_token

PASSWORD = "correct horse battery staple"
MIGRATIONS = {"events": EVENTS, "matching": MATCHING, "notifications": NOTIFICATIONS, "community": COMMUNITY}
OPERATIONS = {"events": 9, "matching": 10, "notifications": 10, "community": 9}  # at least this many must be exercised
# The inbox's live stream never ends by design (each generated call would wait for its timeout); its answers
# to bad input are tested in services/notifications/tests/integration/test_api_inbox_stream.py.
EXCLUDED = {"notifications": ("stream_inbox",)}
# A call each service answers only past its token check: the fuzz token must get through, or every
# generated call would stop at a 401 and nothing behind it would be fuzzed.
PROBES = {
    "events": "/me/registrations",
    "matching": "/me/requests",
    "notifications": "/me/inbox",
    "community": "/me/stories",
}


async def ready(base: str) -> bool:
    try:
        async with httpx.AsyncClient(base_url=base, timeout=2) as client:
            return (await client.get("/ready")).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("service", sorted(MIGRATIONS))
async def test_no_operation_answers_with_a_server_error(
    service: str, service_database: ServiceDatabase, kafka: KafkaServer, tmp_path: Path
) -> None:
    membership_db = await service_database(MEMBERSHIP)
    ports = {"membership": free_port(), service: free_port()}
    membership = f"http://127.0.0.1:{ports['membership']}"
    common = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_PROFILE": kafka.profile,
        "HTTP_HOST": "127.0.0.1",
        "JWT_ISSUER": membership,  # membership signs with it, the service expects it
    }
    processes = [
        spawn(
            [sys.executable, "-m", "membership", "serve"],
            env={**common, "DATABASE_URL": membership_db, "HTTP_PORT": str(ports["membership"])},
            log_path=tmp_path / "membership.log",
        ),
        spawn(
            [sys.executable, "-m", service, "serve"],
            env={
                **common,
                "DATABASE_URL": await service_database(MIGRATIONS[service]),
                "HTTP_PORT": str(ports[service]),
                "JWT_JWKS_URL": f"{membership}/.well-known/jwks.json",
                "MATCHER_ENABLED": "false",
                "EMAIL_SENDER_ENABLED": "false",
            },
            log_path=tmp_path / f"{service}.log",
        ),
    ]
    base = f"http://127.0.0.1:{ports[service]}"
    try:
        for url in (membership, base):
            await eventually(lambda u=url: ready(u), timeout=90, interval=0.25, what=f"{url} ready")
        token = await caller_token(membership, membership_db, roles=["member", "admin", "mentor"], password=PASSWORD)
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            probe = await client.get(PROBES[service], headers={"Authorization": f"Bearer {token}"})
        assert probe.status_code == 200, f"the fuzz token is refused: {probe.status_code} {probe.text}"
        await assert_no_server_error(
            base,
            token,
            tmp_path,
            tmp_path / f"{service}.log",
            least=OPERATIONS[service],
            exclude=EXCLUDED.get(service, ()),
        )
    finally:
        for process in processes:
            terminate(process)
