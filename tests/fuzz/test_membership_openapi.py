"""The fuzz tier: Schemathesis against the running membership service process: every operation of its OpenAPI document, fed generated
valid and invalid input, with a real token, answers without a server error."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx
import pytest

from membership.bootstrap import MIGRATIONS
from shared.embedded import free_port
from shared.embedded.process import spawn, terminate
from shared.testing.infrastructure import KafkaServer
from shared.testing.plugin import ServiceDatabase

from .schemathesis_run import assert_no_server_error, caller_token

PASSWORD = "correct horse battery staple"


async def _wait_ready(base: str, log: Path, timeout: float = 60.0) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(int(timeout * 4)):
            try:
                if (await client.get("/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.25)
    raise AssertionError(f"membership did not become ready:\n{log.read_text()[-4000:]}")


@pytest.mark.slow
async def test_no_operation_answers_with_a_server_error(
    service_database: ServiceDatabase, kafka: KafkaServer, tmp_path: Path
) -> None:
    database_url = await service_database(MIGRATIONS)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "membership.log"
    env = {
        "DATABASE_URL": database_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
        "KAFKA_PROFILE": kafka.profile,
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
        # Generated logins would otherwise lock the fuzzing caller's own address out early.
        "LOGIN_THROTTLE_PER_ADDRESS": "100000",
    }
    process = spawn([sys.executable, "-m", "membership", "serve"], env=env, log_path=log)
    try:
        await _wait_ready(base, log)
        token = await caller_token(
            base, database_url, roles=["member", "admin"], federation_roles=("federation_admin",), password=PASSWORD
        )
        # Erasing its own caller would turn every later call into a 401; erasure has its own tests.
        await assert_no_server_error(base, token, tmp_path, log, exclude=("erase_me",), least=40)
    finally:
        terminate(process)
