"""Access tokens (JWT signed with the service's key) and refresh tokens (random, stored hashed)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import jwt

from membership.adapters.signing_keys import SigningKey
from shared.web.auth import JwtSettings


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    expires_in: int
    refresh_token: str


class AccessTokenIssuer:
    def __init__(self, key: SigningKey, jwt_settings: JwtSettings, ttl_seconds: int) -> None:
        self.key = key
        self.issuer = jwt_settings.issuer
        self.audience = jwt_settings.audience
        self.ttl_seconds = ttl_seconds

    def issue(self, member_id: UUID, roles: dict[str, list[str]], federation_roles: list[str]) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(member_id),
            "iat": now.timestamp(),  # to the microsecond: a token issued just after a revocation is not refused
            "nbf": now,
            "exp": now + timedelta(seconds=self.ttl_seconds),
            "jti": str(uuid4()),
            "roles": roles,
            "federation_roles": federation_roles,
        }
        return jwt.encode(claims, self.key.private_key, algorithm=self.key.algorithm, headers={"kid": self.key.kid})


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def store_refresh_token(conn: asyncpg.Connection, member_id: UUID, ttl: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    await conn.execute(
        "INSERT INTO refresh_tokens (token_hash, member_id, expires_at) VALUES ($1, $2, now() + $3)",
        _digest(token),
        member_id,
        ttl,
    )
    return token


async def revoke_refresh_token(conn: asyncpg.Connection, token: str) -> UUID | None:
    """Revoke a live refresh token; returns its member, or None when it is unknown, expired or already revoked."""
    member_id: UUID | None = await conn.fetchval(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL"
        " AND expires_at > now() RETURNING member_id",
        _digest(token),
    )
    return member_id


async def revoke_all(conn: asyncpg.Connection, member_id: UUID) -> None:
    await conn.execute(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE member_id = $1 AND revoked_at IS NULL", member_id
    )


async def was_revoked(conn: asyncpg.Connection, token: str) -> UUID | None:
    """The member of a refresh token that was already revoked (a replay), or None."""
    member_id: UUID | None = await conn.fetchval(
        "SELECT member_id FROM refresh_tokens WHERE token_hash = $1 AND revoked_at IS NOT NULL", _digest(token)
    )
    return member_id
