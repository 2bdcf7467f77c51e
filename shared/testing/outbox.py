"""Reading what a service staged in its outbox, for tests that check the messages a change announces."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import asyncpg
from cryptography.fernet import Fernet

from shared.protection import SEALED


async def staged_messages(
    pool: asyncpg.Pool, event_type: str | None = None, *, raw: bool = False
) -> list[dict[str, Any]]:
    """Envelopes staged in the outbox, oldest first, optionally of one type; each with its `topic` added
    (a tombstone reads `{"topic": …, "tombstone": True}`). Sealed fields are opened with the person's key
    from the service's `member_keys` (as a consumer would), unless `raw`: then they read as they travel."""
    rows = await pool.fetch(
        "SELECT topic, envelope FROM outbox WHERE $1::text IS NULL OR event_type = $1 ORDER BY id", event_type
    )
    staged = [{"topic": row["topic"], **(row["envelope"] or {"tombstone": True})} for row in rows]
    if not raw:
        for message in staged:
            if SEALED in message.get("data", {}):
                message["data"] = await _opened(pool, message["data"])
    return staged


async def _opened(pool: asyncpg.Pool, data: dict[str, Any]) -> dict[str, Any]:
    key: bytes = await pool.fetchval("SELECT data_key FROM member_keys WHERE member_id = $1", UUID(data["member_id"]))
    opened = {name: value for name, value in data.items() if name != SEALED}
    return {**opened, **json.loads(Fernet(bytes(key)).decrypt(data[SEALED].encode()))}
