"""The inbox: a message's effect is applied once however often the message is delivered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

import asyncpg

from shared.contracts.envelope import Envelope, MessageData
from shared.contracts.registry import model_for
from shared.db.revocations import apply_identity_fact
from shared.protection import open_payload


async def record_once(conn: asyncpg.Connection, consumer: str, event_id: UUID) -> bool:
    """Record `event_id` for `consumer`; True the first time, False when it was already applied.

    Call it inside the transaction that applies the effect: if the effect rolls back, so does the
    record, and the redelivered message is applied then.
    """
    if not conn.is_in_transaction():
        raise RuntimeError("record_once must run inside the transaction that applies the effect")
    status: str = await conn.execute(
        "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", consumer, event_id
    )
    return status == "INSERT 0 1"


async def purge(conn: asyncpg.Connection, older_than_days: int) -> int:
    """Forget dedupe keys older than any redelivery can be (far beyond topic retention)."""
    status: str = await conn.execute(
        "DELETE FROM inbox WHERE received_at < now() - make_interval(days => $1)", older_than_days
    )
    return int(status.split()[-1])


Effect = Callable[[asyncpg.Connection, MessageData], Awaitable[None]]


async def apply_once(
    pool: asyncpg.Pool, consumer: str, envelope: Envelope, effect: Effect, *, leave_sealed: bool = False
) -> bool:
    """Decode the payload and apply `effect` with the inbox record in one transaction.

    Types this code does not know are skipped (producers may add types before readers know them);
    a known type whose payload does not validate raises pydantic.ValidationError, which sends the
    message to the dead-letter topic. Returns True when the effect ran. `leave_sealed`: the effect never
    reads people's protected fields, so they are not opened (see `open_payload`).
    """
    model = model_for(envelope.event_type, envelope.event_version)
    if model is None:
        return False
    data = await open_payload(envelope, model, leave_sealed=leave_sealed)  # sealed fields opened with the key
    if data is None:  # the person was erased: their key, and so this message, is gone
        return False
    async with pool.acquire() as conn, conn.transaction():
        if not await record_once(conn, consumer, envelope.event_id):
            return False
        await apply_identity_fact(conn, data)  # every service refuses revoked sessions, whatever it consumes
        await effect(conn, data)
    return True
