"""Running Schemathesis against a running service, as every fuzz test of this tier does."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path
from uuid import uuid4

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


async def assert_no_server_error(
    base: str, token: str, workdir: Path, log: Path, *, exclude: tuple[str, ...] = (), least: int = 10
) -> None:
    """Every operation of `base`'s OpenAPI document (but `exclude`), fed generated valid and invalid input
    with `token`, answers without a server error; and every one selected was really exercised."""
    excluded = [arg for operation in exclude for arg in ("--exclude-operation-id", operation)]
    run = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS),
        "run",
        f"{base}/schema/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        os.environ.get("FUZZ_MAX_EXAMPLES", "25"),
        "--header",
        f"Authorization: Bearer {token}",
        *excluded,
        "--seed",
        "20261201",
        "--no-color",
        cwd=workdir,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(run.communicate(), timeout=600)
    report = output.decode()
    assert run.returncode == 0, report[-8000:] + "\n--- service log ---\n" + log.read_text()[-4000:]
    selected = re.search(r"Selected: (\d+)/(\d+)", report)
    tested = re.search(r"Tested: (\d+)", report)
    assert selected and tested, report
    assert int(tested.group(1)) == int(selected.group(1)) == int(selected.group(2)) - len(exclude) >= least, report


async def caller_token(
    membership: str, database_url: str, *, roles: list[str], federation_roles: tuple[str, ...] = (), password: str
) -> str:
    """A token, from a running membership, of a new person holding `roles` in a new association and
    `federation_roles`."""
    import asyncpg
    import httpx

    email = f"fuzz-{uuid4().hex[:8]}@example.org"
    async with httpx.AsyncClient(base_url=membership) as client:
        body = {"email": email, "password": password, "display_name": "Fuzz"}
        registered = await client.post("/auth/register", json=body)
        assert registered.status_code == 202, registered.text
        association_id = uuid4()
        conn = await asyncpg.connect(database_url)
        try:
            member_id = await conn.fetchval("SELECT member_id FROM accounts WHERE email = $1", email)
            await conn.execute(
                "UPDATE accounts SET federation_roles = $2 WHERE member_id = $1", member_id, federation_roles
            )
            await conn.execute(
                "INSERT INTO associations (association_id, name, slug) VALUES ($1, 'Fuzz', $2)",
                association_id,
                f"fuzz-{association_id.hex[:8]}",
            )
            await conn.execute(
                "INSERT INTO memberships (member_id, association_id, roles, status, joined_at)"
                " VALUES ($1, $2, $3, 'active', now())",
                member_id,
                association_id,
                roles,
            )
        finally:
            await conn.close()
        login = await client.post("/auth/login", json={"email": email, "password": password})
        return str(login.json()["access_token"])
