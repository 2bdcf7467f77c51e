"""The token signing keys are encrypted at rest with a key from the environment, and rotate without
downtime: after `rotate-signing-key` and a restart, new tokens carry the new key id, tokens signed with the
previous key still work, and both keys are published."""

from __future__ import annotations

import httpx
import jwt
import pytest
from cryptography.fernet import Fernet

from membership.bootstrap import MIGRATIONS, MembershipSettings, bootstrap, rotate_signing_key
from membership.settings import TokenSettings
from shared.db.pool import DatabaseSettings
from shared.testing.plugin import ServiceDatabase
from shared.testing.service_client import service_client

PASSWORD = "correct horse battery staple"


async def token_of(client: httpx.AsyncClient, email: str) -> str:
    login = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return str(login.json()["access_token"])


async def test_keys_are_sealed_at_rest_and_rotate_without_downtime(service_database: ServiceDatabase) -> None:
    kek = Fernet.generate_key().decode()
    settings = MembershipSettings(
        database=DatabaseSettings(url=await service_database(MIGRATIONS)),
        tokens=TokenSettings(key_encryption_key=kek),
    )
    email = "rotation@example.org"
    async with service_client(await bootstrap(settings)) as client:
        body = {"email": email, "password": PASSWORD, "display_name": "R"}
        assert (await client.post("/auth/register", json=body)).status_code == 202
        old_token = await token_of(client, email)
    stored = await _stored(settings)
    assert stored and all(pem.startswith("fernet:") and "PRIVATE KEY" not in pem for pem in stored)

    await rotate_signing_key(settings)
    async with service_client(await bootstrap(settings)) as client:
        new_token = await token_of(client, email)
        jwks = (await client.get("/.well-known/jwks.json")).json()
        for token in (old_token, new_token):
            me = await client.get("/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200, me.text
    old_kid, new_kid = (jwt.get_unverified_header(t)["kid"] for t in (old_token, new_token))
    assert old_kid != new_kid
    assert {key["kid"] for key in jwks["keys"]} == {old_kid, new_kid}


async def test_sealed_keys_cannot_be_used_without_their_key(service_database: ServiceDatabase) -> None:
    url = await service_database(MIGRATIONS)
    sealed = MembershipSettings(
        database=DatabaseSettings(url=url), tokens=TokenSettings(key_encryption_key=Fernet.generate_key().decode())
    )
    service = await bootstrap(sealed)
    await service.pool.close()

    for tokens in (TokenSettings(), TokenSettings(key_encryption_key=Fernet.generate_key().decode())):
        with pytest.raises(RuntimeError, match="TOKEN_KEY_ENCRYPTION_KEY"):
            await bootstrap(MembershipSettings(database=DatabaseSettings(url=url), tokens=tokens))


async def _stored(settings: MembershipSettings) -> list[str]:
    import asyncpg

    conn = await asyncpg.connect(settings.database.url)
    try:
        return [row["private_pem"] for row in await conn.fetch("SELECT private_pem FROM signing_keys")]
    finally:
        await conn.close()
