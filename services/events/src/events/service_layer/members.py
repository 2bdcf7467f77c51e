"""Use case: keep events' view of members in step with membership."""

from __future__ import annotations

import asyncpg

from events.adapters import members
from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberErased, MemberJoined, MemberLeft


async def apply_member_message(conn: asyncpg.Connection, data: MessageData) -> None:
    match data:
        case MemberJoined():
            await members.upsert_member(conn, data.member_id, data.association_id, active=True)
        case MemberLeft():
            await members.upsert_member(conn, data.member_id, data.association_id, active=False)
        case MemberErased():
            await members.delete_member(conn, data.member_id)
