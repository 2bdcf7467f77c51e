"""Use case: keep matching's view of members in step with membership."""

from __future__ import annotations

import asyncpg

from matching.adapters import profiles
from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberErased, MemberJoined, MemberLeft


async def apply_member_message(conn: asyncpg.Connection, data: MessageData) -> None:
    """Joined members become candidates; leaving deactivates them; erasure forgets them."""
    match data:
        case MemberJoined():
            await profiles.upsert_profile(conn, data)
        case MemberLeft():
            await profiles.deactivate(conn, data.member_id)
        case MemberErased():
            await profiles.delete_profile(conn, data.member_id)
