"""The unsubscribe token secret: from settings, or generated once and kept in the database, encrypted at
rest when a key is configured (an earlier plaintext secret is sealed on the next start)."""

from __future__ import annotations

import secrets

import asyncpg

from shared.sealing import Sealer

_NAME = "unsubscribe"


async def load_or_create(pool: asyncpg.Pool, configured: str | None = None, sealer: Sealer | None = None) -> str:
    """`configured` when given; otherwise the database's secret, created by the first replica to ask."""
    if configured:
        return configured
    sealer = sealer or Sealer(None, setting="NOTIFICATIONS_SECRET_ENCRYPTION_KEY")
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO service_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            _NAME,
            sealer.seal(secrets.token_urlsafe(32).encode()),
        )
        stored: str = await conn.fetchval("SELECT value FROM service_secrets WHERE name = $1 FOR UPDATE", _NAME)
        value = sealer.open(stored).decode()
        if sealer.encrypts and not stored.startswith(Sealer.PREFIX):
            await conn.execute(
                "UPDATE service_secrets SET value = $2 WHERE name = $1", _NAME, sealer.seal(value.encode())
            )
    return value
