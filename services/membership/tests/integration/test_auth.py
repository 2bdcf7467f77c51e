"""Accounts and tokens: register, log in, refresh, log out, throttling, and the published keys."""

from __future__ import annotations

import jwt

from ..conftest import Api


async def test_register_then_login_gives_a_token_signed_with_the_published_key(api: Api) -> None:
    member_id = await api.register("amina@example.org", display_name="Amina", locale="fr", time_zone="Europe/Paris")
    tokens = await api.login("Amina@Example.org")

    jwks = (await api.client.get("/.well-known/jwks.json")).json()
    key = jwt.PyJWKSet.from_dict(jwks).keys[0]
    claims = jwt.decode(tokens["access_token"], key.key, algorithms=[key.algorithm_name], audience="fellowship")
    assert claims["sub"] == str(member_id)
    assert claims["exp"] - int(claims["iat"]) == tokens["expires_in"] == 300  # five minutes: the client refreshes
    assert tokens["refresh_token"]
