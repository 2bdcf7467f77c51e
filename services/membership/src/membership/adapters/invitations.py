"""SQL for invitations to an association: stored with the token's digest, used once, then deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from membership.adapters.challenges import token_digest


@dataclass(frozen=True)
class Invitation:
    association_id: UUID
    member_id: UUID
    email: str
    profile: dict[str, Any]
    roles: list[str]


async def invite(
    conn: asyncpg.Connection,
    *,
    association_id: UUID,
    member_id: UUID,
    email: str,
    profile: dict[str, Any],
    roles: list[str],
    token: str,
    invited_by: UUID,
    ttl: timedelta,
) -> datetime:
    """Store an invitation, replacing an earlier one of the association to this address; its expiry."""
    expires_at: datetime = await conn.fetchval(
        "INSERT INTO invitations (invitation_id, association_id, member_id, email, profile, roles, token_hash,"
        " invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + $9::interval)"
        " ON CONFLICT (association_id, lower(email)) DO UPDATE SET member_id = EXCLUDED.member_id,"
        " profile = EXCLUDED.profile, roles = EXCLUDED.roles, token_hash = EXCLUDED.token_hash,"
        " invited_by = EXCLUDED.invited_by, created_at = now(), expires_at = EXCLUDED.expires_at"
        " RETURNING expires_at",
        uuid4(),
        association_id,
        member_id,
        email,
        profile,
        roles,
        token_digest(token),
        invited_by,
        ttl,
    )
    return expires_at


async def take(conn: asyncpg.Connection, token: str) -> Invitation | None:
    """Remove and return the open invitation with this token (once only, however many try at once)."""
    row = await conn.fetchrow(
        "DELETE FROM invitations WHERE token_hash = $1 AND expires_at > now()"
        " RETURNING association_id, member_id, email, profile, roles",
        token_digest(token),
    )
    return None if row is None else Invitation(**{**dict(row), "roles": list(row["roles"])})


async def delete_expired(conn: asyncpg.Connection) -> None:
    await conn.execute("DELETE FROM invitations WHERE expires_at <= now()")


async def forget(conn: asyncpg.Connection, member_id: UUID, email: str) -> None:
    """An erased person's invitations go with them."""
    await conn.execute("DELETE FROM invitations WHERE member_id = $1 OR lower(email) = lower($2)", member_id, email)
