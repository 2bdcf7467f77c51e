"""Failed-login counting per account and per client address, in the database so every replica shares it."""

from __future__ import annotations

from datetime import timedelta

import asyncpg


def account_key(email: str) -> str:
    """The key failures of one account are counted under (e-mail compared lower-cased)."""
    return f"account:{email.strip().lower()}"


def address_key(address: str) -> str:
    return f"address:{address}"


async def failures_since(conn: asyncpg.Connection, key: str, window: timedelta) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM login_failures WHERE key = $1 AND failed_at > now() - $2::interval", key, window
    )
    return count


async def record_failure(conn: asyncpg.Connection, keys: list[str], window: timedelta) -> None:
    await conn.execute("DELETE FROM login_failures WHERE failed_at < now() - $1::interval", window)
    await conn.executemany("INSERT INTO login_failures (key) VALUES ($1)", [(key,) for key in keys])


async def clear(conn: asyncpg.Connection, key: str) -> None:
    await conn.execute("DELETE FROM login_failures WHERE key = $1", key)
