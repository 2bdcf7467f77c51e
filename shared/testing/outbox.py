"""Reading what a service staged in its outbox, for tests that check the messages a change announces."""

from __future__ import annotations

from typing import Any

import asyncpg


async def staged_messages(pool: asyncpg.Pool, event_type: str | None = None) -> list[dict[str, Any]]:
    """Envelopes staged in the outbox, oldest first, optionally of one type; each with its `topic` added
    (a tombstone reads `{"topic": …, "tombstone": True}`)."""
    rows = await pool.fetch(
        "SELECT topic, envelope FROM outbox WHERE $1::text IS NULL OR event_type = $1 ORDER BY id", event_type
    )
    return [{"topic": row["topic"], **(row["envelope"] or {"tombstone": True})} for row in rows]
