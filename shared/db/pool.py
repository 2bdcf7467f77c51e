"""asyncpg pool factory: JSON codecs, sane sizes, timeouts on every connection, settings from DATABASE_*.

Every network call has a bound: a statement, a lock wait and an idle transaction end on the server after
their timeouts, the client gives up on a command after `command_timeout`, and TCP keepalives let the
server notice a client that vanished (a black-holed connection), so a lost leader's locks are released
within a minute.
"""

from __future__ import annotations

import json

import asyncpg
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DATABASE_", extra="ignore")

    url: str = "postgresql://postgres@127.0.0.1:15432/postgres"
    pool_min_size: int = 1
    pool_max_size: int = 10
    command_timeout_seconds: float = Field(default=60.0, gt=0, description="the client's bound on one command")
    statement_timeout_ms: int = Field(default=30_000, ge=0, description="the server's bound on one statement")
    lock_timeout_ms: int = Field(default=10_000, ge=0, description="how long a statement waits for a lock")
    idle_in_transaction_timeout_ms: int = Field(default=60_000, ge=0, description="an idle open transaction ends")
    tcp_keepalives_idle_seconds: int = Field(default=20, ge=0)
    tcp_keepalives_interval_seconds: int = Field(default=10, ge=0)
    tcp_keepalives_count: int = Field(default=3, ge=0)
    application_name: str = Field(default="fellowship", description="shown in pg_stat_activity")

    def server_settings(self) -> dict[str, str]:
        return {
            "application_name": self.application_name,
            "statement_timeout": str(self.statement_timeout_ms),
            "lock_timeout": str(self.lock_timeout_ms),
            "idle_in_transaction_session_timeout": str(self.idle_in_transaction_timeout_ms),
            "tcp_keepalives_idle": str(self.tcp_keepalives_idle_seconds),
            "tcp_keepalives_interval": str(self.tcp_keepalives_interval_seconds),
            "tcp_keepalives_count": str(self.tcp_keepalives_count),
        }


async def _init_connection(conn: asyncpg.Connection) -> None:
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(
    url: str, *, min_size: int = 1, max_size: int = 10, settings: DatabaseSettings | None = None
) -> asyncpg.Pool:
    """A pool whose connections encode and decode json/jsonb as Python objects and carry the timeouts and
    keepalives of `settings` (the defaults when not given)."""
    chosen = settings or DatabaseSettings(url=url)
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        command_timeout=chosen.command_timeout_seconds,
        server_settings=chosen.server_settings(),
    )
    assert pool is not None
    return pool
