"""A JWKS endpoint that hangs delays no request whose key is cached; tokens with unknown key ids cause at
most one refresh at a time, no more often than the minimum interval, and are refused, not queued."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from shared.errors import Unauthorized
from shared.testing.eventually import eventually
from shared.web.auth import JwtSettings, JwtValidator, RemoteKeys

ISSUER, AUDIENCE = "http://membership.test", "fellowship"


@dataclass
class Jwks:
    """A JWKS endpoint that counts its requests and can be told to hang."""

    url: str = ""
    key: ed25519.Ed25519PrivateKey = field(default_factory=ed25519.Ed25519PrivateKey.generate)
    requests: int = 0
    hang: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)  # a hanging answer goes out when set

    def body(self) -> bytes:
        jwk = jwt.algorithms.OKPAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return json.dumps({"keys": [{**jwk, "kid": "k1", "alg": "EdDSA", "use": "sig"}]}).encode()

    def token(self, kid: str = "k1", key: Any = None) -> str:
        now = int(time.time())
        claims = {"sub": "m", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300}
        return jwt.encode(claims, key or self.key, algorithm="EdDSA", headers={"kid": kid})


@pytest.fixture
def jwks() -> Iterator[Jwks]:
    served = Jwks()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.requests += 1
            if served.hang.is_set():
                served.released.wait(timeout=30)
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(served.body())

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    served.url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    yield served
    served.released.set()
    server.shutdown()


def validator_for(jwks: Jwks, *, min_refresh: float = 30.0, timeout: float = 0.5) -> JwtValidator:
    settings = JwtSettings(jwks_url=jwks.url, issuer=ISSUER, audience=AUDIENCE)
    return JwtValidator(
        settings, jwks_client=RemoteKeys(jwks.url, timeout_seconds=timeout, min_refresh_seconds=min_refresh)
    )


async def test_cached_keys_are_never_delayed_by_a_hanging_jwks(jwks: Jwks) -> None:
    validator = validator_for(jwks, min_refresh=0.0, timeout=20)
    assert (await validator.validate(jwks.token())).subject == "m"  # the key is fetched and cached
    jwks.hang.set()

    strangers = [asyncio.ensure_future(validator.validate(jwks.token(kid=f"unknown-{n}"))) for n in range(20)]
    await eventually(lambda: jwks.requests, until=lambda n: n == 2, timeout=10, what="the refresh under way")
    try:
        async with asyncio.timeout(10):
            for _ in range(50):
                assert (await validator.validate(jwks.token())).subject == "m"
    except TimeoutError:
        pytest.fail("tokens with a cached key waited for the hanging JWKS")
    assert not any(s.done() for s in strangers), "the refresh ended early: the test proved nothing"
    jwks.released.set()
    results = await asyncio.gather(*strangers, return_exceptions=True)

    assert all(isinstance(r, Unauthorized) for r in results)
    assert jwks.requests == 2, "unknown key ids made more than one refresh at a time"


async def test_unknown_key_ids_refresh_at_most_once_per_interval(jwks: Jwks) -> None:
    validator = validator_for(jwks, min_refresh=30.0)
    await validator.validate(jwks.token())
    for n in range(30):
        with pytest.raises(Unauthorized, match="no signing key"):
            await validator.validate(jwks.token(kid=f"unknown-{n}"))
    assert jwks.requests == 1, "tokens with unknown key ids made the JWKS be fetched again"


async def test_a_rotated_key_is_learnt_by_one_refresh(jwks: Jwks) -> None:
    validator = validator_for(jwks, min_refresh=0.0)
    await validator.validate(jwks.token())
    jwks.key = ed25519.Ed25519PrivateKey.generate()  # the issuer rotated: a new key under a new id
    rotated = jwt.encode(
        jwt.decode(jwks.token(), options={"verify_signature": False}),
        jwks.key,
        algorithm="EdDSA",
        headers={"kid": "k2"},
    )
    body = jwks.body().replace(b'"kid": "k1"', b'"kid": "k2"')
    jwks.body = lambda: body  # type: ignore[method-assign]

    assert (await validator.validate(rotated)).subject == "m"
    assert jwks.requests == 2


@pytest.mark.parametrize("algorithm", ["ES256", "RS256"])
async def test_a_token_whose_algorithm_does_not_match_its_key_is_a_401(jwks: Jwks, algorithm: str) -> None:
    validator = validator_for(jwks)
    good = jwks.token()
    _, payload, _ = good.split(".")
    forged_header = jwt.utils.base64url_encode(json.dumps({"alg": algorithm, "kid": "k1", "typ": "JWT"}).encode())
    junk = f"{forged_header.decode()}.{payload}.{jwt.utils.base64url_encode(b'junk' * 16).decode()}"

    with pytest.raises(Unauthorized):
        await validator.validate(junk)
