"""Revoked sessions: access tokens a person holds stop working everywhere at once, not when they expire.

Membership records a revocation when the person logs out (and tells the others, `member.sessions_revoked`);
every consumer records the revocations and erasures it reads (`apply_identity_fact`, called by the inbox
for every message), and every service refuses tokens issued up to the revocation (`is_revoked`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberErased, SessionsRevoked


async def revoke(conn: asyncpg.Connection, member_id: UUID, at: datetime) -> None:
    await conn.execute(
        "INSERT INTO revoked_sessions (member_id, revoked_at) VALUES ($1, $2)"
        " ON CONFLICT (member_id) DO UPDATE SET revoked_at = greatest(revoked_sessions.revoked_at, EXCLUDED.revoked_at)",
        member_id,
        at,
    )


async def is_revoked(pool: asyncpg.Pool, member_id: UUID, issued_at: float) -> bool:
    """Whether a token of `member_id` issued at `issued_at` (seconds since the epoch) predates their last
    revocation. Membership's tokens carry `iat` to the microsecond, so one issued just after a revocation
    (a refresh right after losing a role) is accepted; a whole-second `iat` in the revocation's own second
    counts as before it."""
    revoked_at: datetime | None = await pool.fetchval(
        "SELECT revoked_at FROM revoked_sessions WHERE member_id = $1", member_id
    )
    return revoked_at is not None and issued_at <= revoked_at.timestamp()


async def apply_identity_fact(conn: asyncpg.Connection, data: MessageData) -> None:
    """Record what a message says about a person's sessions (a revocation, an erasure); an erasure also
    removes this service's dead letters keyed by the person."""
    match data:
        case SessionsRevoked():
            await revoke(conn, data.member_id, data.revoked_at)
        case MemberErased():
            await revoke(conn, data.member_id, datetime.now(UTC))
            # dead letters about them (kept to be replayed) go too: nothing of an erased person stays
            await conn.execute("DELETE FROM dead_letters WHERE message_key = $1", str(data.member_id).encode())
