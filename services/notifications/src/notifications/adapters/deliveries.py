"""SQL for e-mail deliveries: recorded with the message that causes them, claimed and settled by the sender.

A due delivery is claimed with `FOR UPDATE SKIP LOCKED` in the transaction that sends it and records
the outcome, so two senders never hold the same delivery (see service_layer/sender.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import asyncpg

from notifications.domain.categories import Category

Status = Literal["pending", "held", "sent", "failed", "suppressed"]


@dataclass(frozen=True)
class NewDelivery:
    delivery_id: UUID
    event_id: UUID
    member_id: UUID
    association_id: UUID | None
    category: Category
    template: str
    context: dict[str, Any]
    urgent: bool
    status: Status
    status_reason: str | None
    next_attempt_at: datetime
    message_id: str
    created_at: datetime
    to_address: str | None = None  # account e-mails: the address the message carried
    expires_at: datetime | None = None  # account e-mails: not sent after this


@dataclass(frozen=True)
class DueDelivery:
    delivery_id: UUID
    member_id: UUID
    category: Category
    template: str
    context: dict[str, Any]
    urgent: bool
    attempts: int
    message_id: str
    created_at: datetime
    retrying_since: datetime  # the retry period counts from here: creation, or an admin's retry
    to_address: str | None = None
    expires_at: datetime | None = None


async def record(conn: asyncpg.Connection, delivery: NewDelivery) -> bool:
    """Insert unless this message already has an e-mail for this member; True when inserted."""
    status: str = await conn.execute(
        "INSERT INTO deliveries (delivery_id, event_id, member_id, channel, association_id, category, template,"
        " context, urgent, status, status_reason, next_attempt_at, message_id, created_at, to_address, expires_at)"
        " VALUES ($1, $2, $3, 'email', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        " ON CONFLICT (event_id, member_id, channel) DO NOTHING",
        delivery.delivery_id,
        delivery.event_id,
        delivery.member_id,
        delivery.association_id,
        delivery.category,
        delivery.template,
        delivery.context,
        delivery.urgent,
        delivery.status,
        delivery.status_reason,
        delivery.next_attempt_at,
        delivery.message_id,
        delivery.created_at,
        delivery.to_address,
        delivery.expires_at,
    )
    return status == "INSERT 0 1"


async def claim_due(conn: asyncpg.Connection, now: datetime) -> DueDelivery | None:
    """Lock the most overdue waiting delivery no one else holds, until the caller's transaction ends."""
    if not conn.is_in_transaction():
        raise RuntimeError("claim_due must run in the transaction that settles the delivery")
    row = await conn.fetchrow(
        "SELECT delivery_id, member_id, category, template, context, urgent, attempts, message_id, created_at,"
        " coalesce(retrying_since, created_at) AS retrying_since, to_address, expires_at"
        " FROM deliveries WHERE status IN ('pending', 'held') AND next_attempt_at <= $1"
        " ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED",
        now,
    )
    return None if row is None else DueDelivery(**dict(row))


async def next_due_at(conn: asyncpg.Connection) -> datetime | None:
    when: datetime | None = await conn.fetchval(
        "SELECT min(next_attempt_at) FROM deliveries WHERE status IN ('pending', 'held')"
    )
    return when


async def wake_awaiting(conn: asyncpg.Connection, member_id: UUID) -> None:
    """The member's contact or membership arrived: e-mails waiting for it are due again, and the sender told."""
    status: str = await conn.execute(
        "UPDATE deliveries SET next_attempt_at = least(next_attempt_at, created_at)"
        " WHERE member_id = $1 AND status = 'pending' AND status_reason = 'awaiting_contact'",
        member_id,
    )
    if status != "UPDATE 0":
        await conn.execute("SELECT pg_notify('deliveries', '')")


# A settled account e-mail keeps no secret and no address: only its status.
_WIPE_ONE_TIME = (
    "context = CASE WHEN expires_at IS NULL THEN context ELSE '{}'::jsonb END,"
    " to_address = CASE WHEN expires_at IS NULL THEN to_address END"
)


async def mark_sent(conn: asyncpg.Connection, delivery_id: UUID, attempts: int, now: datetime) -> None:
    await conn.execute(
        f"UPDATE deliveries SET status = 'sent', status_reason = NULL, attempts = $2, sent_at = $3, {_WIPE_ONE_TIME}"
        " WHERE delivery_id = $1",
        delivery_id,
        attempts,
        now,
    )


async def postpone(
    conn: asyncpg.Connection,
    delivery_id: UUID,
    status: Literal["pending", "held"],
    until: datetime,
    reason: str,
    attempts: int | None = None,
) -> None:
    """Try again at `until`: held (quiet hours), or pending (a retry, or an address not known yet)."""
    await conn.execute(
        "UPDATE deliveries SET status = $2, next_attempt_at = $3, status_reason = $4,"
        " attempts = coalesce($5, attempts) WHERE delivery_id = $1",
        delivery_id,
        status,
        until,
        reason,
        attempts,
    )


async def settle(
    conn: asyncpg.Connection,
    delivery_id: UUID,
    status: Literal["failed", "suppressed"],
    reason: str,
    attempts: int | None = None,
) -> None:
    """Give up on a delivery: failed (after its attempts) or suppressed (not to be sent)."""
    await conn.execute(
        f"UPDATE deliveries SET status = $2, status_reason = $3, attempts = coalesce($4, attempts), {_WIPE_ONE_TIME}"
        " WHERE delivery_id = $1",
        delivery_id,
        status,
        reason,
        attempts,
    )


async def retry_failed(conn: asyncpg.Connection, association_id: UUID, now: datetime) -> list[UUID]:
    """Failed deliveries of the association waiting again from `now`, their retry period anew; their ids."""
    rows = await conn.fetch(
        "UPDATE deliveries SET status = 'pending', status_reason = 'retried by an admin', next_attempt_at = $2,"
        " retrying_since = $2 WHERE association_id = $1 AND status = 'failed' RETURNING delivery_id",
        association_id,
        now,
    )
    if rows:
        await conn.execute("SELECT pg_notify('deliveries', '')")
    return [row["delivery_id"] for row in rows]


async def record_admin_action(
    conn: asyncpg.Connection, actor_id: UUID, association_id: UUID, action: str, detail: dict[str, Any]
) -> None:
    await conn.execute(
        "INSERT INTO admin_actions (actor_id, association_id, action, detail) VALUES ($1, $2, $3, $4)",
        actor_id,
        association_id,
        action,
        detail,
    )
