"""Failed-login counting per account and per client address, in the database so every replica shares it.

An attempt is counted before the password is checked (`reserve_attempt`, under a lock per key), so no
more than the limit are ever checked in a window, however many arrive at once; a successful login
withdraws its own reservation.
"""

from __future__ import annotations

from datetime import timedelta

import asyncpg


def account_key(email: str) -> str:
    """The key failures of one account are counted under (e-mail compared lower-cased)."""
    return f"account:{email.strip().lower()}"


def address_key(address: str) -> str:
    return f"address:{address}"


def code_address_key(address: str) -> str:
    """Wrong sign-in codes from one client address: counted apart from wrong passwords, so someone guessing
    passwords behind the same address (a shared network) does not shut the code path for everyone there."""
    return f"code-address:{address}"


async def failures_since(conn: asyncpg.Connection, key: str, window: timedelta) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM login_failures WHERE key = $1 AND failed_at > now() - $2::interval", key, window
    )
    return count


_LOCK_CLASS = 0x6C6F67  # "log": the two-key advisory lock space of login throttling


async def reserve_attempt(conn: asyncpg.Connection, limits: dict[str, int], window: timedelta) -> list[int] | None:
    """Count one attempt under every key, unless one of them reached its limit in the window (then None).

    Run inside a transaction: each key is locked for it, in one order, so concurrent attempts are counted
    one after the other. The attempt stays counted (as a failure) unless `withdraw`n after a success."""
    if not conn.is_in_transaction():
        raise RuntimeError("reserve_attempt must run inside a transaction")
    await conn.execute("DELETE FROM login_failures WHERE failed_at < now() - $1::interval", window)
    for key in sorted(limits):
        await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", _LOCK_CLASS, key)
    for key, limit in limits.items():
        if await failures_since(conn, key, window) >= limit:
            return None
    return [await conn.fetchval("INSERT INTO login_failures (key) VALUES ($1) RETURNING id", key) for key in limits]


async def withdraw(conn: asyncpg.Connection, attempt_ids: list[int]) -> None:
    """A reserved attempt that succeeded is not a failure."""
    await conn.execute("DELETE FROM login_failures WHERE id = ANY($1::bigint[])", attempt_ids)


async def clear(conn: asyncpg.Connection, key: str) -> None:
    await conn.execute("DELETE FROM login_failures WHERE key = $1", key)
