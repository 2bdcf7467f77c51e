"""Malformed input never makes a server error, on any operation of any service: bodies nested 1,000 deep,
bytes that are not UTF-8, whole numbers beyond 64 bits (in every integer field the operation takes), and
tokens with every algorithm header and a junk signature. Each gets a clear 4xx."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import httpx
import pytest

from matching.bootstrap import MIGRATIONS as MATCHING
from matching.bootstrap import MatchingSettings
from matching.bootstrap import bootstrap as matching_bootstrap
from membership.bootstrap import MIGRATIONS as MEMBERSHIP
from membership.bootstrap import MembershipSettings
from membership.bootstrap import bootstrap as membership_bootstrap
from notifications.bootstrap import MIGRATIONS as NOTIFICATIONS
from notifications.bootstrap import NotificationsServiceSettings
from notifications.bootstrap import bootstrap as notifications_bootstrap
from shared.db.pool import DatabaseSettings
from shared.testing.plugin import ServiceDatabase
from shared.testing.service_client import service_client
from shared.testing.tokens import Tokens

DEEP = b'{"a": ' + b"[" * 1000 + b"]" * 1000 + b"}"
NOT_UTF8 = b'{"email": "\xff\xfe\xfd", "display_name": "\xc3\x28"}'
HUGE = 2**70
ALGORITHMS = ["RS256", "RS512", "ES256", "ES384", "PS256", "EdDSA", "HS256", "none", "unknown"]


@pytest.fixture(params=["membership", "matching", "notifications"])
async def service(
    request: pytest.FixtureRequest, service_database: ServiceDatabase
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    name: str = request.param
    tokens = Tokens()
    if name == "membership":
        settings = MembershipSettings(database=DatabaseSettings(url=await service_database(MEMBERSHIP)))
        built: Any = await membership_bootstrap(settings)
    elif name == "matching":
        settings2 = MatchingSettings(database=DatabaseSettings(url=await service_database(MATCHING)))
        built = await matching_bootstrap(settings2, jwt_validator=tokens.validator())
    else:
        settings3 = NotificationsServiceSettings(database=DatabaseSettings(url=await service_database(NOTIFICATIONS)))
        built = await notifications_bootstrap(settings3, jwt_validator=tokens.validator())
    async with service_client(built) as client:
        if name == "membership":
            email = f"{uuid4().hex[:8]}@example.org"
            body = {"email": email, "password": "correct horse battery staple", "display_name": "M"}
            assert (await client.post("/auth/register", json=body)).status_code == 202
            login = await client.post("/auth/login", json={"email": email, "password": body["password"]})
            token = login.json()["access_token"]
        else:
            token = tokens.issue(uuid4())
        yield client, {"Authorization": f"Bearer {token}"}


async def operations(client: httpx.AsyncClient) -> list[tuple[str, str, dict[str, Any]]]:
    schema = (await client.get("/schema/openapi.json")).json()
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"post", "put", "patch"}:
                concrete = re.sub(r"\{[^}]+\}", str(uuid4()), path)
                found.append((method.upper(), concrete, operation))
    return found


def integer_fields(schema: dict[str, Any], components: dict[str, Any]) -> list[str]:
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return [name for name, field in schema.get("properties", {}).items() if field.get("type") == "integer"]


async def test_no_malformed_body_or_token_makes_a_server_error(
    service: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, auth = service
    schema = (await client.get("/schema/openapi.json")).json()
    components = schema.get("components", {}).get("schemas", {})
    problems = []
    for method, path, operation in await operations(client):
        headers = {**auth, "content-type": "application/json"}
        bodies = [DEEP, NOT_UTF8]
        content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        if fields := integer_fields(content.get("schema", {}), components):
            bodies.append(json.dumps(dict.fromkeys(fields, HUGE)).encode())
        for body in bodies:
            response = await client.request(method, path, content=body, headers=headers)
            if response.status_code >= 500:
                problems.append(f"{method} {path} with {body[:30]!r}: {response.status_code} {response.text[:200]}")
    assert not problems, "\n".join(problems)


def junk_token(algorithm: str, kid: str) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    claims = {"sub": str(uuid4()), "iss": "x", "aud": "fellowship", "exp": 9999999999, "iat": 0}
    return f"{part({'alg': algorithm, 'kid': kid, 'typ': 'JWT'})}.{part(claims)}.{part({'junk': 'signature' * 8})}"


async def test_tokens_with_any_algorithm_and_a_junk_signature_are_a_401(
    service: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, auth = service
    real_kid = json.loads(base64.urlsafe_b64decode(auth["Authorization"].split()[1].split(".")[0] + "=="))["kid"]
    protected = next(
        (method, path) for method, path, operation in await operations(client) if operation.get("security")
    )
    for algorithm in ALGORITHMS:
        for kid in (real_kid, "unknown-kid"):
            headers = {"Authorization": f"Bearer {junk_token(algorithm, kid)}"}
            response = await client.request(protected[0], protected[1], json={}, headers=headers)
            assert response.status_code == 401, (algorithm, kid, response.status_code, response.text[:200])
