"""Access-token validation against a JWKS: signature, issuer, audience, expiry and an algorithm allow-list."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

import jwt
from litestar import Request
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.errors import Forbidden, Unauthorized

# Asymmetric only: "none" and HMAC (whose key would be the public key) are never accepted.
ALLOWED_ALGORITHMS = ("RS256", "ES256", "EdDSA")


class JwtSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JWT_", extra="ignore")

    jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    issuer: str = "http://127.0.0.1:8001"
    audience: str = "fellowship"
    leeway_seconds: int = 30


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's subject and roles per association (plus federation-wide roles)."""

    subject: str
    roles: dict[str, list[str]] = field(default_factory=dict)
    federation_roles: list[str] = field(default_factory=list)
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def member_id(self) -> UUID:
        """The caller's member id (the token's subject); Unauthorized when the subject is not one."""
        try:
            return UUID(self.subject)
        except ValueError as error:
            raise Unauthorized("the access token's subject is not a member id") from error

    def has_role(self, association_id: UUID | str, role: str) -> bool:
        return role in self.roles.get(str(association_id), [])

    def is_member_of(self, association_id: UUID | str) -> bool:
        """Any role at all in the association."""
        return bool(self.roles.get(str(association_id)))

    def require_role(self, association_id: UUID | str, role: str, *, to: str) -> None:
        """Forbidden unless the caller holds `role` in the association; `to` says what they tried to do."""
        if not self.has_role(association_id, role):
            raise Forbidden(f"only {_with_article(role)} of this association can {to}")


class SigningKeys(Protocol):
    """Where verification keys come from: a remote JWKS (`jwt.PyJWKClient`) or the issuer's own `LocalKeys`."""

    def get_signing_key_from_jwt(self, token: str) -> jwt.PyJWK: ...


class LocalKeys:
    """The issuer's own key set, for the service that signs tokens (no HTTP round trip to itself)."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self._keys = {key.key_id: key for key in jwt.PyJWKSet.from_dict(jwks).keys}

    def get_signing_key_from_jwt(self, token: str) -> jwt.PyJWK:
        kid = jwt.get_unverified_header(token).get("kid")
        if kid not in self._keys:
            raise jwt.InvalidTokenError(f"no signing key with id {kid!r}")
        return self._keys[kid]


class JwtValidator:
    """Validates bearer tokens; keys come from the JWKS and are cached by PyJWT's client."""

    def __init__(self, settings: JwtSettings, *, jwks_client: SigningKeys | None = None) -> None:
        self.settings = settings
        self._jwks: SigningKeys = jwks_client or jwt.PyJWKClient(settings.jwks_url, cache_keys=True, lifespan=300)

    def validate(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in ALLOWED_ALGORITHMS:
                raise Unauthorized(f"token algorithm {header.get('alg')!r} is not accepted")
            key = self._jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=list(ALLOWED_ALGORITHMS),
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway_seconds,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("the access token has expired; log in again") from error
        except (jwt.PyJWTError, jwt.PyJWKClientError) as error:
            raise Unauthorized(f"the access token is not valid: {error}") from error
        return Principal(
            subject=str(claims["sub"]),
            roles=dict(claims.get("roles", {})),
            federation_roles=list(claims.get("federation_roles", [])),
            claims=claims,
        )

    async def principal_from(self, request: Request[Any, Any, Any]) -> Principal:
        """The caller of `request`; raises Unauthorized (401) without a valid bearer token."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("send an access token as 'Authorization: Bearer <token>'")
        return await self.principal_of(token.strip())

    async def principal_of(self, token: str) -> Principal:
        """The caller a bare token names; raises Unauthorized (401) unless it is valid."""
        # Key fetches are blocking HTTP calls; keep them off the event loop.
        return await asyncio.to_thread(self.validate, token)

    def seconds_left(self, principal: Principal) -> float:
        """How long the principal's token stays acceptable (with the leeway)."""
        return float(principal.claims["exp"]) + self.settings.leeway_seconds - time.time()


def _with_article(role: str) -> str:
    return f"an {role}" if role[:1] in "aeiou" else f"a {role}"
