"""The unsubscribe token secret: from settings, or generated once and kept in the database."""

from __future__ import annotations

import secrets

import asyncpg

_NAME = "unsubscribe"


async def load_or_create(pool: asyncpg.Pool, configured: str | None = None) -> str:
    """`configured` when given; otherwise the database's secret, created by the first replica to ask."""
    if configured:
        return configured
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO service_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            _NAME,
            secrets.token_urlsafe(32),
        )
        value: str = await conn.fetchval("SELECT value FROM service_secrets WHERE name = $1", _NAME)
    return value
