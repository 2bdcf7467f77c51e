"""Sessions in the gateway's database: found by the hash of their id, shared by every replica.

The person's tokens are stored encrypted with a key derived from the session's id, which only the browser
holds (the table keeps its hash): a copy of the table, a backup or a read-only database account opens no
session and gives away no bearer or refresh token, and no key has to be configured or rotated for it.

Opening a pair costs a key derivation and two decryptions, a tenth of the gateway's work for a proxied call;
each process remembers the last pairs it opened, by their sealed text (which changes with every refresh).
The row is still read on every request, so an ended or revoked session is never opened from memory.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

import asyncpg
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from gateway.domain.sessions import Session, Tokens, id_hash

COLUMNS = (
    "member_id, access_token, access_expires, refresh_token, roles, data, created_at, signed_in_at,"
    " last_seen_at, idle_expires_at, expires_at"
)


def _token_key(session_id: str) -> Fernet:
    """The session's own key for its tokens (HKDF of the id, under a label of its own: not the id's hash)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"fellowship gateway session tokens")
    return Fernet(base64.urlsafe_b64encode(derived.derive(session_id.encode())))


@lru_cache(maxsize=4096)
def _opened(session_id: str, sealed_access: str, sealed_refresh: str) -> tuple[str, str]:
    """The access and refresh tokens sealed under the session's key (InvalidToken if it cannot open them)."""
    key = _token_key(session_id)
    return key.decrypt(sealed_access.encode()).decode(), key.decrypt(sealed_refresh.encode()).decode()


def _session(session_id: str, row: asyncpg.Record) -> Session:
    tokens = None
    if row["access_token"] is not None:
        access, refresh = _opened(session_id, row["access_token"], row["refresh_token"])
        tokens = Tokens(access, row["access_expires"], refresh)
    return Session(
        id=session_id,
        member_id=row["member_id"],
        tokens=tokens,
        roles=json.loads(row["roles"]),
        data=json.loads(row["data"]),
        created_at=row["created_at"],
        signed_in_at=row["signed_in_at"],
        last_seen_at=row["last_seen_at"],
        idle_expires_at=row["idle_expires_at"],
        expires_at=row["expires_at"],
    )


async def load(conn: asyncpg.Pool | asyncpg.Connection, session_id: str, now: datetime) -> Session | None:
    """The live session with this id; None for an unknown, ended or expired id (never adopted)."""
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM sessions WHERE id_hash = $1 AND idle_expires_at > $2 AND expires_at > $2",
        id_hash(session_id),
        now,
    )
    if row is None:
        return None
    try:
        return _session(session_id, row)
    except InvalidToken:  # tokens this id cannot open (a row altered by hand): no session, sign in again
        return None


async def load_for_update(conn: asyncpg.Connection, session_id: str) -> Session | None:
    """The session, locked until the transaction ends (one token refresh at a time, across replicas)."""
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM sessions WHERE id_hash = $1 FOR UPDATE", id_hash(session_id))
    return None if row is None else _session(session_id, row)


def _values(session: Session) -> list[Any]:
    tokens = session.tokens
    access = refresh = None
    if tokens is not None:
        key = _token_key(session.id)
        access = key.encrypt(tokens.access_token.encode()).decode()
        refresh = key.encrypt(tokens.refresh_token.encode()).decode()
    return [
        session.member_id,
        access,
        tokens.access_expires if tokens else None,
        refresh,
        json.dumps(session.roles),
        json.dumps(session.data),
        session.created_at,
        session.signed_in_at,
        session.last_seen_at,
        session.idle_expires_at,
        session.expires_at,
    ]


async def save(db: asyncpg.Pool | asyncpg.Connection, session: Session) -> None:
    """Write the session under its current id; a rotated session's old id is deleted with it, an ended
    session is deleted. On a connection, the caller holds the transaction."""
    if isinstance(db, asyncpg.Pool):
        async with db.acquire() as conn, conn.transaction():
            await _write(conn, session)
    else:
        await _write(db, session)
    session.previous_id = None
    session.is_new = False
    session.changed = session.tokens_changed = False


async def _write(conn: asyncpg.Connection, session: Session) -> None:
    for stale in (session.previous_id, session.id if session.ended else None):
        if stale is not None:
            await conn.execute("DELETE FROM sessions WHERE id_hash = $1", id_hash(stale))
    if session.ended:
        return
    if not (session.is_new or session.previous_id or session.tokens_changed):  # page state and last use only
        await conn.execute(
            "UPDATE sessions SET data = $2, last_seen_at = $3, idle_expires_at = $4 WHERE id_hash = $1",
            id_hash(session.id),
            json.dumps(session.data),
            session.last_seen_at,
            session.idle_expires_at,
        )
        return
    await conn.execute(
        f"INSERT INTO sessions (id_hash, {COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        " ON CONFLICT (id_hash) DO UPDATE SET member_id = EXCLUDED.member_id,"
        " access_token = EXCLUDED.access_token, access_expires = EXCLUDED.access_expires,"
        " refresh_token = EXCLUDED.refresh_token, roles = EXCLUDED.roles, data = EXCLUDED.data,"
        " signed_in_at = EXCLUDED.signed_in_at, last_seen_at = EXCLUDED.last_seen_at,"
        " idle_expires_at = EXCLUDED.idle_expires_at",
        id_hash(session.id),
        *_values(session),
    )


async def end_member_sessions(conn: asyncpg.Connection, member_id: UUID, signed_in_before: datetime) -> int:
    """End every session of the person signed in up to `signed_in_before` (a revocation, an erasure)."""
    result: str = await conn.execute(
        "DELETE FROM sessions WHERE member_id = $1 AND signed_in_at <= $2", member_id, signed_in_before
    )
    return int(result.split()[-1])


async def sweep(pool: asyncpg.Pool, now: datetime) -> int:
    """Delete sessions past their timeouts and rate windows older than an hour."""
    result: str = await pool.execute("DELETE FROM sessions WHERE idle_expires_at <= $1 OR expires_at <= $1", now)
    await pool.execute("DELETE FROM rate_counters WHERE window_start < $1::timestamptz - interval '1 hour'", now)
    return int(result.split()[-1])


async def end_session(conn: asyncpg.Pool | asyncpg.Connection, session_id: str) -> None:
    await conn.execute("DELETE FROM sessions WHERE id_hash = $1", id_hash(session_id))


async def expire_access(conn: asyncpg.Connection, member_id: UUID, revoked_at: datetime) -> int:
    """Membership no longer accepts the person's access tokens issued up to `revoked_at`: their sessions
    refresh before the next call (and end if the refresh is refused, as after a sign-out or a reset)."""
    result: str = await conn.execute(
        "UPDATE sessions SET access_expires = least(access_expires, $2) WHERE member_id = $1 AND signed_in_at <= $2",
        member_id,
        revoked_at,
    )
    return int(result.split()[-1])
