"""Use cases: keep the directory in step with membership (contacts and membership facts)."""

from __future__ import annotations

import asyncpg

from notifications.adapters import directory
from shared.contracts.envelope import MessageData
from shared.contracts.membership import ContactUpdated, MemberErased, MemberJoined, MemberLeft


async def apply_directory_message(conn: asyncpg.Connection, data: MessageData) -> None:
    match data:
        case ContactUpdated():
            await directory.upsert_contact(conn, data)
        case MemberJoined():
            await directory.upsert_membership(conn, data)
        case MemberLeft():
            await directory.deactivate(conn, data.member_id)
        case MemberErased():
            await directory.forget(conn, data.member_id)
