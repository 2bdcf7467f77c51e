"""SQL for one-time secrets sent by e-mail (sign-in codes, password-reset links); invitations are in `invitations`.

Only digests are stored. A link token is found by its digest; a code is short, so it is checked against
the one open sign-in challenge of the person, and every wrong try counts against it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID, uuid4

import asyncpg

Purpose = Literal["sign_in", "password_reset"]
CODE_DIGITS = 6


def new_code() -> str:
    """A random numeric code, easy to read out and type: `CODE_DIGITS` digits."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _code_digest(member_id: UUID, code: str) -> bytes:
    return hashlib.sha256(f"{member_id}:{code}".encode()).digest()


@dataclass(frozen=True)
class Challenge:
    member_id: UUID
    expires_at: datetime


async def issue_token(
    conn: asyncpg.Connection,
    member_id: UUID,
    purpose: Purpose,
    token: str,
    ttl: timedelta,
) -> datetime:
    """Store a link's token, replacing the person's open one of the same purpose; its expiry."""
    return await _issue(conn, member_id, purpose, token_digest(token), ttl)


async def issue_code(conn: asyncpg.Connection, member_id: UUID, code: str, ttl: timedelta) -> datetime:
    """Store a sign-in code, replacing the person's open one; its expiry."""
    return await _issue(conn, member_id, "sign_in", _code_digest(member_id, code), ttl)


async def _issue(
    conn: asyncpg.Connection,
    member_id: UUID,
    purpose: Purpose,
    digest: bytes,
    ttl: timedelta,
) -> datetime:
    await conn.execute(
        "DELETE FROM email_challenges WHERE member_id = $1 AND purpose = $2 AND used_at IS NULL", member_id, purpose
    )
    expires_at: datetime = await conn.fetchval(
        "INSERT INTO email_challenges (challenge_id, member_id, purpose, secret_hash, expires_at)"
        " VALUES ($1, $2, $3, $4, now() + $5::interval) RETURNING expires_at",
        uuid4(),
        member_id,
        purpose,
        digest,
        ttl,
    )
    return expires_at


async def use_token(conn: asyncpg.Connection, purpose: Purpose, token: str) -> Challenge | None:
    """Use up an open, unexpired token of `purpose` (once only, however many try at once); None otherwise."""
    row = await conn.fetchrow(
        "UPDATE email_challenges SET used_at = now()"
        " WHERE secret_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()"
        " RETURNING member_id, expires_at",
        token_digest(token),
        purpose,
    )
    return None if row is None else Challenge(**dict(row))


async def use_code(conn: asyncpg.Connection, member_id: UUID, code: str, max_attempts: int) -> bool:
    """Use up the person's open sign-in code if `code` is it. A wrong try counts; after `max_attempts` wrong
    tries the code is dead (a new one must be asked for). Run inside a transaction."""
    if not conn.is_in_transaction():
        raise RuntimeError("use_code must run inside a transaction")
    row = await conn.fetchrow(
        "SELECT challenge_id, secret_hash FROM email_challenges WHERE member_id = $1 AND purpose = 'sign_in'"
        " AND used_at IS NULL AND expires_at > now() AND attempts < $2 FOR UPDATE",
        member_id,
        max_attempts,
    )
    if row is None:
        return False
    if hmac.compare_digest(bytes(row["secret_hash"]), _code_digest(member_id, code)):
        await conn.execute("UPDATE email_challenges SET used_at = now() WHERE challenge_id = $1", row["challenge_id"])
        return True
    await conn.execute(
        "UPDATE email_challenges SET attempts = attempts + 1 WHERE challenge_id = $1", row["challenge_id"]
    )
    return False


async def use_all(conn: asyncpg.Connection, member_id: UUID, purpose: Purpose) -> None:
    """End every open challenge of `purpose` for the person (a password was reset: older links die)."""
    await conn.execute(
        "UPDATE email_challenges SET used_at = now() WHERE member_id = $1 AND purpose = $2 AND used_at IS NULL",
        member_id,
        purpose,
    )
