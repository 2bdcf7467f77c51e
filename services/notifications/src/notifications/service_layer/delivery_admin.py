"""Use case of an association's admin: send the association's failed e-mails again, audited."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from notifications.adapters import deliveries


async def retry_failed(pool: asyncpg.Pool, admin_id: UUID, association_id: UUID, now: datetime) -> int:
    """Every failed delivery of the association waits again (its retry period anew); the action is recorded
    with who did it and how many. Returns how many."""
    async with pool.acquire() as conn, conn.transaction():
        retried = await deliveries.retry_failed(conn, association_id, now)
        await deliveries.record_admin_action(
            conn, admin_id, association_id, "retry_failed_deliveries", {"deliveries": len(retried)}
        )
    return len(retried)
