"""Ending a person's access tokens everywhere: membership refuses them at once, every other service as soon as
it reads `member.sessions_revoked` (its own record of revocations, `shared.db.revocations`).

Used when the person logs out or resets their password (their refresh tokens are revoked too), and when
they lose a role or a membership: then their refresh token still works, and the tokens it gives carry
only what they still hold, so a demoted admin keeps no stale rights for the access token's lifetime.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import asyncpg

from membership.service_layer.announcements import announce_person_fact
from shared.contracts.membership import SessionsRevoked
from shared.db import revocations


async def end_access_tokens(conn: asyncpg.Connection, member_id: UUID) -> None:
    """Access tokens issued to the person until now are refused here and, once they read the fact, everywhere."""
    now = datetime.now(UTC)
    await revocations.revoke(conn, member_id, now)
    await announce_person_fact(conn, SessionsRevoked(member_id=member_id, revoked_at=now))
