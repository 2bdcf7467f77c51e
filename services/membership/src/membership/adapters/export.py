"""SQL only the personal-data export needs: account times, refresh-token metadata, failed logins, audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from membership.adapters.audit import AuditRecord


@dataclass(frozen=True)
class AccountTimes:
    created_at: datetime
    updated_at: datetime
    has_password: bool


@dataclass(frozen=True)
class RefreshTokenRecord:
    """A refresh token without its hash."""

    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


async def account_times(conn: asyncpg.Connection, member_id: UUID) -> AccountTimes | None:
    row = await conn.fetchrow(
        "SELECT created_at, updated_at, password_hash IS NOT NULL AS has_password FROM accounts WHERE member_id = $1",
        member_id,
    )
    return None if row is None else AccountTimes(**dict(row))


async def refresh_tokens_of(conn: asyncpg.Connection, member_id: UUID) -> list[RefreshTokenRecord]:
    rows = await conn.fetch(
        "SELECT issued_at, expires_at, revoked_at FROM refresh_tokens WHERE member_id = $1 ORDER BY issued_at",
        member_id,
    )
    return [RefreshTokenRecord(**dict(row)) for row in rows]


async def failed_logins(conn: asyncpg.Connection, key: str) -> list[datetime]:
    rows = await conn.fetch("SELECT failed_at FROM login_failures WHERE key = $1 ORDER BY failed_at", key)
    return [row["failed_at"] for row in rows]


async def audit_about(conn: asyncpg.Connection, subject_id: UUID) -> list[AuditRecord]:
    """Every access to the person's data, oldest first."""
    rows = await conn.fetch(
        "SELECT id, at, actor_id, subject_id, association_id, action, resource FROM audit_log"
        " WHERE subject_id = $1 ORDER BY id",
        subject_id,
    )
    return [AuditRecord(**dict(row)) for row in rows]
