"""Tokens: only access tokens membership signed, for this audience, unexpired, with an allowed algorithm."""

from __future__ import annotations

import asyncio
import base64
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from membership.adapters.signing_keys import SigningKey
from shared.testing.token_rules import BAD_TOKEN_CASES, Signer, assert_refused

from ..conftest import PASSWORD, Api, Person


async def _real_key(api: Api) -> SigningKey:
    pem: str = await api.pool.fetchval("SELECT private_pem FROM signing_keys")
    return SigningKey(pem.encode())


def _claims(person: Person, **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    claims = {
        "iss": "http://127.0.0.1:8001",
        "aud": "fellowship",
        "sub": str(person.member_id),
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    return {**claims, **overrides}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unsigned_token(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """header.payload, built by hand: PyJWT itself refuses to make these attack tokens."""
    body = json.dumps(claims, default=lambda moment: int(moment.timestamp())).encode()
    return f"{_b64(json.dumps(header).encode())}.{_b64(body)}"


async def _me(api: Api, token: str) -> int:
    response = await api.client.get("/me", headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def test_a_token_we_signed_is_accepted(api: Api) -> None:
    person = await api.person()
    key = await _real_key(api)
    token = jwt.encode(_claims(person), key.private_key, algorithm=key.algorithm, headers={"kid": key.kid})
    assert await _me(api, token) == 200
    assert await _me(api, person.token) == 200


@pytest.mark.parametrize("case", BAD_TOKEN_CASES)
async def test_bad_tokens_are_refused_with_401(api: Api, case: str) -> None:
    person = await api.person()
    key = await _real_key(api)

    await assert_refused(
        api.client, "/me", case, Signer(key.private_key, key.algorithm, key.kid, key.public_jwk()), person.member_id
    )


async def test_refresh_rotates_and_a_replayed_refresh_token_revokes_the_session(api: Api) -> None:
    person = await api.person()
    first = await api.login(person.email)

    rotated = await api.client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    assert await _me(api, rotated.json()["access_token"]) == 200

    # The used token again: someone copied it. Every refresh token of the account stops working.
    replay = await api.client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    after = await api.client.post("/auth/refresh", json={"refresh_token": rotated.json()["refresh_token"]})
    assert after.status_code == 401


async def test_logout_revokes_the_refresh_token(api: Api) -> None:
    person = await api.person()
    tokens = await api.login(person.email)
    assert (await api.client.post("/auth/logout", json={"refresh_token": tokens["refresh_token"]})).status_code == 204
    refused = await api.client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refused.status_code == 401


async def test_wrong_password_and_unknown_account_get_the_same_answer(api: Api) -> None:
    person = await api.person()
    wrong = await api.client.post("/auth/login", json={"email": person.email, "password": "not the password"})
    unknown = await api.client.post("/auth/login", json={"email": "nobody@example.org", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_failed_logins_are_throttled_per_account(api: Api) -> None:
    person = await api.person()
    for _ in range(5):
        failed = await api.client.post("/auth/login", json={"email": person.email, "password": "wrong password!"})
        assert failed.status_code == 401
    blocked = await api.client.post("/auth/login", json={"email": person.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    # Another account from the same address is not locked out by these five.
    other = await api.person()
    assert (await api.client.post("/auth/login", json={"email": other.email, "password": PASSWORD})).status_code == 200


async def test_failed_logins_are_throttled_per_address(api: Api) -> None:
    person = await api.person()
    for n in range(20):  # spread over many accounts, so no single account reaches its limit
        email = f"guess{n}@example.org"
        assert (await api.client.post("/auth/login", json={"email": email, "password": "x" * 12})).status_code == 401
    blocked = await api.client.post("/auth/login", json={"email": person.email, "password": PASSWORD})
    assert blocked.status_code == 429


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"email": "not-an-address"}, "e-mail"),
        ({"password": "short"}, "at least 10"),
        ({"password": "1234567890"}, "easy to guess"),
        ({"email": "camille.durand@example.org", "password": "camille.durand-2026"}, "e-mail"),
        ({"time_zone": "Mars/Olympus"}, "IANA"),
        ({"locale": "de"}, "locale"),
        ({"languages": ["xx"]}, "ISO 639-1"),
        ({"birth_year": 1850}, "birth year"),
        ({"display_name": ""}, "display_name"),
        ({"unexpected": "field"}, "unexpected"),
        ({"display_name": "Cam\u0000ille"}, "NUL"),
        ({"display_name": "Camille\u202egnp.exe"}, "U+202E"),  # a right-to-left override
        ({"display_name": "Cam\u200bille"}, "invisible"),  # a zero-width space
        ({"display_name": "Cam\u0007ille"}, "control"),
    ],
)
async def test_registration_rejects_bad_input_with_a_clear_message(
    api: Api, change: dict[str, Any], expected: str
) -> None:
    body = {"email": "camille@example.org", "password": PASSWORD, "display_name": "Camille", **change}
    response = await api.client.post("/auth/register", json=body)
    assert response.status_code == 400, response.text
    assert expected.lower() in response.text.lower()
    assert await api.pool.fetchval("SELECT count(*) FROM accounts") == 0


async def test_an_email_registers_once_whatever_its_case(api: Api) -> None:
    await api.register("Camille@Example.org")
    await api.client.post(
        "/auth/register", json={"email": "camille@example.org", "password": PASSWORD, "display_name": "Camille"}
    )
    assert await api.pool.fetchval("SELECT count(*) FROM accounts") == 1


async def test_concurrent_wrong_passwords_are_checked_no_more_than_the_limit(api: Api) -> None:
    person = await api.person()
    wrong = {"email": person.email, "password": "not the right password at all"}

    responses = await asyncio.gather(*(api.client.post("/auth/login", json=wrong) for _ in range(30)))

    statuses = Counter(response.status_code for response in responses)
    assert statuses[401] <= 5, f"{statuses[401]} guesses were checked; the limit per account is 5"
    assert statuses[401] + statuses[429] == 30, statuses


async def test_logout_ends_the_access_token_at_once_and_tells_the_other_services(api: Api) -> None:
    person = await api.person()
    tokens = await api.login(person.email)
    me = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await api.client.get("/me", headers=me)).status_code == 200

    assert (await api.client.post("/auth/logout", json={"refresh_token": tokens["refresh_token"]})).status_code == 204

    ended = await api.client.get("/me", headers=me)
    assert ended.status_code == 401 and "session has ended" in ended.json()["detail"]
    await asyncio.sleep(1.1)  # token times are whole seconds
    fresh = await api.login(person.email)
    assert (
        await api.client.get("/me", headers={"Authorization": f"Bearer {fresh['access_token']}"})
    ).status_code == 200
