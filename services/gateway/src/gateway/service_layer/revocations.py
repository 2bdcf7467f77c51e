"""Use case: membership's facts about a person's sessions reach the browser sessions the gateway holds.

`member.sessions_revoked` (signed out elsewhere, password reset, a role or membership lost): the person's
access tokens stop working, so their sessions refresh before the next call, and end when the refresh is
refused. `member.roles_changed` and `member.joined` (an admin gave them a role, approved their joining, or
a federation admin appointed them): the same early refresh, so that their open session carries the new roles
(and gets a new id) at their next page, without signing in again. `member.erased`: every session of the
person ends at once.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from gateway.adapters import sessions
from shared.contracts.envelope import MessageData
from shared.contracts.membership import MemberErased, MemberJoined, RolesChanged, SessionsRevoked

SESSION_FACTS = frozenset(
    {SessionsRevoked.event_type, MemberErased.event_type, RolesChanged.event_type, MemberJoined.event_type}
)


async def apply_session_fact(conn: asyncpg.Connection, data: MessageData) -> None:
    match data:
        case SessionsRevoked():
            await sessions.expire_access(conn, data.member_id, data.revoked_at)
        case RolesChanged() | MemberJoined():
            await sessions.expire_access(conn, data.member_id, datetime.now(UTC))
        case MemberErased():
            await sessions.end_member_sessions(conn, data.member_id, datetime.now(UTC))
