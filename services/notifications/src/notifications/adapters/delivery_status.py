"""SQL for an association admin's view of e-mail deliveries: their status, never their content.

Only status columns are read: a delivery's rendered context (names, addresses, message text) stays here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args
from uuid import UUID

import asyncpg

from notifications.domain.categories import Category

DeliveryStatus = Literal["pending", "held", "sent", "failed", "suppressed"]
STATUSES: tuple[DeliveryStatus, ...] = get_args(DeliveryStatus)


@dataclass(frozen=True, slots=True)
class DeliveryStatusRecord:
    delivery_id: UUID
    member_id: UUID
    template: str
    category: Category
    status: DeliveryStatus
    status_reason: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class DeliveryStatusPage:
    counts: dict[DeliveryStatus, int]  # every status of the association's deliveries, zeros included
    deliveries: list[DeliveryStatusRecord]  # newest first


async def association_deliveries(
    pool: asyncpg.Pool, association_id: UUID, status: DeliveryStatus | None, offset: int, limit: int
) -> DeliveryStatusPage:
    """The counts per status and one page of the association's deliveries (of `status` when given), read
    from one snapshot so that they agree."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        counted = await conn.fetch(
            "SELECT status, count(*) AS n FROM deliveries WHERE association_id = $1 GROUP BY status", association_id
        )
        rows = await conn.fetch(
            "SELECT delivery_id, member_id, template, category, status, status_reason, attempts, created_at, sent_at"
            " FROM deliveries WHERE association_id = $1 AND ($2::text IS NULL OR status = $2)"
            " ORDER BY created_at DESC, delivery_id DESC OFFSET $3 LIMIT $4",
            association_id,
            status,
            offset,
            limit,
        )
    counts: dict[DeliveryStatus, int] = dict.fromkeys(STATUSES, 0)
    counts.update({row["status"]: row["n"] for row in counted})
    return DeliveryStatusPage(counts, [DeliveryStatusRecord(**dict(row)) for row in rows])
