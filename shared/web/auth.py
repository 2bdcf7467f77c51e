"""Access-token validation against a JWKS: signature, issuer, audience, expiry and an algorithm allow-list."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

import httpx
import jwt
from litestar import Request
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.errors import Forbidden, Unauthorized

log = logging.getLogger(__name__)

# Asymmetric only: "none" and HMAC (whose key would be the public key) are never accepted.
ALLOWED_ALGORITHMS = ("RS256", "ES256", "EdDSA")


class JwtSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JWT_", extra="ignore")

    jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    issuer: str = "http://127.0.0.1:8001"
    audience: str = "fellowship"
    leeway_seconds: int = 30
    jwks_timeout_seconds: float = 3.0
    jwks_min_refresh_seconds: float = 30.0


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
    """Where verification keys come from: the issuer's JWKS over HTTP (`RemoteKeys`) or its own `LocalKeys`."""

    async def key_for(self, kid: str | None) -> jwt.PyJWK:
        """The key with this id; raises Unauthorized when there is none."""
        ...


def _key_set(jwks: dict[str, Any]) -> dict[str | None, jwt.PyJWK]:
    return {key.key_id: key for key in jwt.PyJWKSet.from_dict(jwks).keys}


class LocalKeys:
    """The issuer's own key set, for the service that signs tokens (no HTTP round trip to itself)."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self._keys = _key_set(jwks)

    async def key_for(self, kid: str | None) -> jwt.PyJWK:
        if kid not in self._keys:
            raise Unauthorized(f"the access token is not valid: no signing key with id {kid!r}")
        return self._keys[kid]


class RemoteKeys:
    """The issuer's JWKS fetched over HTTP, asynchronously, and cached.

    A token whose key is cached is checked at once, whatever the JWKS endpoint is doing. An unknown key id
    triggers at most one refresh at a time (others wait for the same one), never more often than every
    `min_refresh_seconds`, each bounded by `timeout_seconds`; meanwhile, or when the endpoint hangs or fails,
    tokens with unknown key ids are refused (401), never queued behind it. Keys are also refreshed once
    they are older than `max_age_seconds`, in the background of the request that notices.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = 3.0,
        min_refresh_seconds: float = 30.0,
        max_age_seconds: float = 300.0,
    ) -> None:
        self.url = url
        self.timeout = timeout_seconds
        self.min_refresh = min_refresh_seconds
        self.max_age = max_age_seconds
        self._keys: dict[str | None, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")  # last successful fetch
        self._tried_at = float("-inf")  # last attempt, successful or not
        self._refresh: asyncio.Task[None] | None = None

    async def key_for(self, kid: str | None) -> jwt.PyJWK:
        now = time.monotonic()
        if kid in self._keys:
            if now - self._fetched_at > self.max_age:
                self._start_refresh(now)  # keep answering from the cache meanwhile
            return self._keys[kid]
        if now - self._tried_at >= self.min_refresh or self._refresh is not None:
            refresh = self._start_refresh(now)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(refresh), self.timeout)
        if kid in self._keys:
            return self._keys[kid]
        raise Unauthorized(f"the access token is not valid: no signing key with id {kid!r} is known")

    def _start_refresh(self, now: float) -> asyncio.Task[None]:
        if self._refresh is None:
            self._tried_at = now
            self._refresh = asyncio.get_running_loop().create_task(self._fetch(), name="jwks-refresh")
        return self._refresh

    async def _fetch(self) -> None:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.get(self.url)
                response.raise_for_status()
                keys = _key_set(response.json())
            self._keys, self._fetched_at = keys, time.monotonic()
        except Exception as error:  # an unreachable or broken JWKS only means unknown keys stay unknown
            log.warning("JWKS refresh failed", extra={"url": self.url, "error": repr(error)})
        finally:
            self._refresh = None


class JwtValidator:
    """Validates bearer tokens against the issuer's keys (`RemoteKeys` unless given)."""

    def __init__(self, settings: JwtSettings, *, jwks_client: SigningKeys | None = None) -> None:
        self.settings = settings
        self._jwks: SigningKeys = jwks_client or RemoteKeys(
            settings.jwks_url,
            timeout_seconds=settings.jwks_timeout_seconds,
            min_refresh_seconds=settings.jwks_min_refresh_seconds,
        )

    async def validate(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            algorithm = header.get("alg")
            if algorithm not in ALLOWED_ALGORITHMS:
                raise Unauthorized(f"token algorithm {algorithm!r} is not accepted")
            key = await self._jwks.key_for(header.get("kid"))
            if key.algorithm_name != algorithm:  # a key signs with one algorithm only
                raise Unauthorized(f"token algorithm {algorithm!r} does not match its key")
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=self.settings.leeway_seconds,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Unauthorized("the access token has expired; log in again") from error
        except (jwt.PyJWTError, ValueError, TypeError) as error:  # malformed in any way: the caller's to fix
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
        return await self.validate(token)

    def seconds_left(self, principal: Principal) -> float:
        """How long the principal's token stays acceptable (with the leeway)."""
        return float(principal.claims["exp"]) + self.settings.leeway_seconds - time.time()


def _with_article(role: str) -> str:
    return f"an {role}" if role[:1] in "aeiou" else f"a {role}"
