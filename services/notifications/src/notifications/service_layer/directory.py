"""Use cases: keep the directory in step with membership (contacts and membership facts), and forget
members who are erased (a contact tombstone or `member.erased`)."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from notifications.adapters import deliveries, directory, erasure
from shared.contracts.envelope import MessageData
from shared.contracts.membership import (
    ConsentChanged,
    ContactUpdated,
    MemberErased,
    MemberJoined,
    MemberLeft,
    ProfileUpdated,
)


async def apply_directory_message(conn: asyncpg.Connection, data: MessageData) -> None:
    match data:
        case ContactUpdated():
            await directory.upsert_contact(conn, data)
            await deliveries.wake_awaiting(conn, data.member_id)
        case MemberJoined():
            await directory.upsert_membership(conn, data)
            await deliveries.wake_awaiting(conn, data.member_id)
        case ProfileUpdated():
            await directory.set_time_zone(conn, data.member_id, data.time_zone)
        case ConsentChanged():
            await directory.set_consent(conn, data.member_id, data.kind, data.granted)
        case MemberLeft():
            await directory.leave(conn, data.member_id, data.association_id)
        case MemberErased():
            await erasure.forget(conn, data.member_id)


async def forget_member(pool: asyncpg.Pool, member_id: UUID) -> None:
    """Erase everything about `member_id` (their contact's tombstone arrived); repeating it changes nothing."""
    async with pool.acquire() as conn, conn.transaction():
        await erasure.forget(conn, member_id)
