"""Every pooled connection carries timeouts and keepalives, so a lock queue or a black-holed connection
cannot block a relay, consumer or sender for long."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from shared.db.pool import DatabaseSettings, create_pool


async def test_connections_carry_the_configured_timeouts_and_keepalives(database_url: str) -> None:
    settings = DatabaseSettings(url=database_url, statement_timeout_ms=1500, lock_timeout_ms=500, application_name="t")
    pool = await create_pool(database_url, settings=settings)
    try:
        shown = {
            name: await pool.fetchval(f"SHOW {name}")
            for name in (
                "statement_timeout",
                "lock_timeout",
                "idle_in_transaction_session_timeout",
                "tcp_keepalives_idle",
                "application_name",
            )
        }
    finally:
        await pool.close()
    assert shown == {
        "statement_timeout": "1500ms",
        "lock_timeout": "500ms",
        "idle_in_transaction_session_timeout": "1min",
        "tcp_keepalives_idle": "20",
        "application_name": "t",
    }


async def test_a_lock_queue_and_a_runaway_statement_end_by_their_timeouts(database_url: str) -> None:
    settings = DatabaseSettings(url=database_url, statement_timeout_ms=1000, lock_timeout_ms=300)
    pool = await create_pool(database_url, settings=settings)
    try:
        await pool.execute("CREATE TABLE IF NOT EXISTS lock_probe (id int PRIMARY KEY)")
        async with pool.acquire() as holder, holder.transaction():
            await holder.execute("LOCK TABLE lock_probe IN ACCESS EXCLUSIVE MODE")
            started = asyncio.get_running_loop().time()
            with pytest.raises(asyncpg.LockNotAvailableError):
                await pool.fetchval("SELECT count(*) FROM lock_probe")
            assert asyncio.get_running_loop().time() - started < 5
        with pytest.raises(asyncpg.QueryCanceledError):
            await pool.execute("SELECT pg_sleep(10)")
    finally:
        await pool.close()
