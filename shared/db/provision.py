"""Creating a service's role and database on a PostgreSQL server we administer (local stack, tests)."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import asyncpg


def database_url(admin_url: str, database: str, *, user: str | None = None, password: str | None = None) -> str:
    """`admin_url` pointed at another database, optionally as another user."""
    parts = urlsplit(admin_url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{host}:{parts.port}" if parts.port else host
    if user:
        netloc = f"{user}:{password}@{netloc}" if password else f"{user}@{netloc}"
    elif parts.username:
        credentials = f"{parts.username}:{parts.password}" if parts.password else parts.username
        netloc = f"{credentials}@{netloc}"
    return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, ""))


async def ensure_database(admin_url: str, name: str, *, password: str) -> str:
    """Create role `name` and database `name` owned by it, if missing; returns the service's URL."""
    conn = await asyncpg.connect(admin_url)
    try:
        quoted = '"' + name.replace('"', '""') + '"'
        if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name):
            await conn.execute(f"CREATE ROLE {quoted} LOGIN PASSWORD $pw${password}$pw$")
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f"CREATE DATABASE {quoted} OWNER {quoted}")
    finally:
        await conn.close()
    return database_url(admin_url, name, user=name, password=password)


async def drop_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        quoted = '"' + name.replace('"', '""') + '"'
        await conn.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        await conn.execute(f"DROP ROLE IF EXISTS {quoted}")
    finally:
        await conn.close()
