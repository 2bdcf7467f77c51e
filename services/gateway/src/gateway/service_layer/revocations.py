"""Use case: membership's facts about a person's sessions reach the browser sessions the gateway holds.

`member.sessions_revoked` (signed out elsewhere, password reset, a role or membership lost): the person's
access tokens stop working, so their sessions refresh before the next call, and end when the refresh is
refused. `member.erased`: every session of the person ends at once.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from gateway.adapters import sessions
from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberErased, SessionsRevoked

SESSION_FACTS = frozenset({SessionsRevoked.event_type, MemberErased.event_type})


async def apply_session_fact(conn: asyncpg.Connection, data: MessageData) -> None:
    match data:
        case SessionsRevoked():
            await sessions.expire_access(conn, data.member_id, data.revoked_at)
        case MemberErased():
            await sessions.end_member_sessions(conn, data.member_id, datetime.now(UTC))
