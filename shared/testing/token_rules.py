"""The access-token rules every service enforces, as one parametrised contract.

Each service's tests call `refused_token` for every case of `BAD_TOKEN_CASES` against one of its protected
routes and assert the 401: a token that is forged, expired, for another audience or issuer, unsigned
(`alg: none`), HMAC-signed with the public key, garbage, missing, sent with another scheme, or naming a
subject that is no member id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519

from shared.web.auth import JwtSettings

BAD_TOKEN_CASES = [
    "forged",
    "expired",
    "other_audience",
    "other_issuer",
    "alg_none",
    "hmac_with_public_key",
    "garbage",
    "missing",
    "basic_scheme",
    "subject_not_member_id",
]


@dataclass(frozen=True)
class Signer:
    """The key a service trusts: its private half (to sign good tokens), algorithm, key id and public JWK."""

    private_key: Any
    algorithm: str
    kid: str
    public_jwk: dict[str, Any]
    settings: JwtSettings = field(default_factory=JwtSettings)

    def claims(self, subject: UUID | str, **overrides: Any) -> dict[str, Any]:
        now = datetime.now(UTC)
        claims = {
            "iss": self.settings.issuer,
            "aud": self.settings.audience,
            "sub": str(subject),
            "iat": now,
            "exp": now + timedelta(minutes=5),
        }
        return {**claims, **overrides}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private_key, algorithm=self.algorithm, headers={"kid": self.kid})


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    """header.payload, built by hand: PyJWT itself refuses to make these attack tokens."""
    body = json.dumps(claims, default=lambda moment: int(moment.timestamp())).encode()
    return f"{_b64(json.dumps(header).encode())}.{_b64(body)}"


def bad_authorization(case: str, signer: Signer, subject: UUID) -> dict[str, str]:
    """The Authorization header (none for "missing") of one bad case."""
    claims = signer.claims(subject)
    if case == "forged":  # right key id, someone else's key
        token = jwt.encode(claims, ed25519.Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": signer.kid})
    elif case == "expired":
        past = datetime.now(UTC) - timedelta(hours=1)
        token = signer.sign(signer.claims(subject, iat=past - timedelta(minutes=15), exp=past))
    elif case == "other_audience":
        token = signer.sign(signer.claims(subject, aud="another-platform"))
    elif case == "other_issuer":
        token = signer.sign(signer.claims(subject, iss="https://evil.example"))
    elif case == "alg_none":
        token = _unsigned({"alg": "none", "typ": "JWT", "kid": signer.kid}, claims) + "."
    elif case == "hmac_with_public_key":  # the classic algorithm confusion: the public key as an HMAC secret
        signing_input = _unsigned({"alg": "HS256", "typ": "JWT", "kid": signer.kid}, claims)
        secret = json.dumps(signer.public_jwk).encode()
        token = f"{signing_input}.{_b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"
    elif case == "garbage":
        token = "not-a-jwt"  # noqa: S105
    elif case == "missing":
        return {}
    elif case == "basic_scheme":
        return {"Authorization": "Basic dXNlcjpwYXNz"}
    elif case == "subject_not_member_id":
        token = signer.sign(signer.claims("not-a-uuid"))
    else:
        raise ValueError(f"unknown case {case!r}")
    return {"Authorization": f"Bearer {token}"}


async def assert_refused(client: httpx.AsyncClient, path: str, case: str, signer: Signer, subject: UUID) -> None:
    """GET `path` with the bad token of `case`: 401, a Bearer challenge and a detail that says what is wrong."""
    response = await client.get(path, headers=bad_authorization(case, signer, subject))
    assert response.status_code == 401, (case, response.text)
    assert response.headers["www-authenticate"] == "Bearer"
    detail = response.json()["detail"]
    if case == "subject_not_member_id":
        assert detail == "the access token's subject is not a member id"
    if case in {"missing", "basic_scheme"}:
        assert "Bearer" in detail
    if case == "expired":
        assert "expired" in detail
    good = await client.get(path, headers={"Authorization": f"Bearer {signer.sign(signer.claims(subject))}"})
    assert good.status_code != 401, good.text  # the same route with a good token of the same key passes
