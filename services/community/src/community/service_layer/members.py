"""Use case: keep community in step with membership (`membership.member.v1`): an erased member's stories and
everything of them go, with what is staged about them."""

from __future__ import annotations

import asyncpg

from community.adapters import stories
from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberErased
from shared.db.outbox import scrub_mentions


async def apply_member_message(conn: asyncpg.Connection, data: MessageData) -> None:
    """Apply one member fact; types community does not need are ignored."""
    if isinstance(data, MemberErased):
        await stories.delete_of_member(conn, data.member_id)
        await scrub_mentions(conn, str(data.member_id))
