"""The shared web kit: token validation against a JWKS served over HTTP, error mapping, probes, metrics."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.testing import TestClient

from shared.errors import Unauthorized
from shared.web import InvalidInput, JwtSettings, JwtValidator, NotFound, Principal, create_app

ISSUER, AUDIENCE = "http://membership.test", "fellowship"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(signing_key: rsa.RSAPrivateKey) -> Iterator[str]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signing_key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()


@pytest.fixture
def validator(jwks_url: str) -> JwtValidator:
    return JwtValidator(JwtSettings(jwks_url=jwks_url, issuer=ISSUER, audience=AUDIENCE, leeway_seconds=0))


def token(key: Any, *, alg: str = "RS256", kid: str = "k1", **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "sub": "member-1",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 300,
        "roles": {"assoc-a": ["member"]},
    }
    claims.update(overrides)
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})


async def test_valid_token_gives_the_principal(validator: JwtValidator, signing_key: rsa.RSAPrivateKey) -> None:
    principal = await validator.validate(token(signing_key))
    assert principal.subject == "member-1"
    assert principal.has_role("assoc-a", "member") and not principal.has_role("assoc-b", "member")


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("expired", "expired"),
        ("other audience", "not valid"),
        ("other issuer", "not valid"),
        ("forged", "not valid"),
        ("alg none", "not accepted"),
        ("hmac with the public key", "not accepted"),
    ],
)
async def test_bad_tokens_are_refused(
    validator: JwtValidator, signing_key: rsa.RSAPrivateKey, case: str, expected: str
) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bad = {
        "expired": lambda: token(signing_key, exp=int(time.time()) - 60),
        "other audience": lambda: token(signing_key, aud="another-app"),
        "other issuer": lambda: token(signing_key, iss="http://evil.test"),
        "forged": lambda: token(forger),
        "alg none": lambda: jwt.encode({"sub": "x", "iss": ISSUER, "aud": AUDIENCE}, None, algorithm="none"),
        "hmac with the public key": lambda: jwt.api_jws.PyJWS().encode(
            json.dumps({"sub": "x", "iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 60}).encode(),
            b"a-shared-secret-of-at-least-32-bytes!",
            algorithm="HS256",
            headers={"kid": "k1"},
        ),
    }[case]()
    with pytest.raises(Unauthorized, match=expected):
        await validator.validate(bad)


def make_app(validator: JwtValidator, ready: bool = True) -> Any:
    @get("/me", operation_id="me")
    async def me(request: Request[Any, Any, Any]) -> dict[str, str]:
        principal: Principal = await validator.principal_from(request)
        return {"subject": principal.subject}

    @get("/things/{thing_id:int}", operation_id="thing", sync_to_thread=False)
    def thing(thing_id: FromPath[int], limit: FromQuery[int] = 10) -> dict[str, int]:
        if thing_id == 0:
            raise InvalidInput("thing_id must be positive")
        if thing_id == 404:
            raise NotFound(f"no thing {thing_id}")
        if thing_id == 500:
            raise KeyError("secret internal detail")
        return {"id": thing_id}

    async def database() -> None:
        if not ready:
            raise ConnectionError("database down")

    return create_app(service="test", route_handlers=[me, thing], readiness_checks={"database": database})


def test_http_errors_are_clear_and_internals_do_not_leak(
    validator: JwtValidator, signing_key: rsa.RSAPrivateKey
) -> None:
    with TestClient(make_app(validator)) as client:
        assert client.get("/things/3").json() == {"id": 3}
        response = client.get("/things/0")
        assert response.status_code == 422 and response.json()["detail"] == "thing_id must be positive"
        assert client.get("/things/404").status_code == 404
        response = client.get("/things/3?limit=many")
        assert response.status_code == 400 and "limit" in json.dumps(response.json())
        response = client.get("/things/500", headers={"x-correlation-id": "corr-42"})
        assert response.status_code == 500
        assert "secret" not in response.text and response.json()["correlation_id"] == "corr-42"
        assert response.headers["x-correlation-id"] == "corr-42"

        missing = client.get("/me")
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        expired = client.get("/me", headers={"authorization": f"Bearer {token(signing_key, exp=1)}"})
        assert expired.status_code == 401 and "expired" in expired.json()["detail"]
        ok = client.get("/me", headers={"authorization": f"Bearer {token(signing_key)}"})
        assert ok.json() == {"subject": "member-1"}


def test_probes_and_metrics(validator: JwtValidator) -> None:
    with TestClient(make_app(validator)) as client:
        assert client.get("/health").json() == {"status": "ok"}
        assert client.get("/ready").status_code == 200
        client.get("/things/1")
        metrics = client.get("/metrics").text
        assert "http_requests_total" in metrics and 'path="/things/{thing_id}"' in metrics
    with TestClient(make_app(validator, ready=False)) as client:
        response = client.get("/ready")
        assert response.status_code == 503
        assert "database down" in response.json()["checks"]["database"]
