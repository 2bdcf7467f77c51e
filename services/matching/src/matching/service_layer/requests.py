"""Use cases: a mentee asks for a mentor (when joining, or later through the API) or stops asking.

Both run inside the caller's transaction, so the request and the message about it commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

import asyncpg

from matching.adapters import people, requests
from matching.domain.model import Preferences
from matching.service_layer.withdrawals import withdraw_proposal_of_request
from shared.contracts.matching import RequestCreated
from shared.db.outbox import enqueue
from shared.errors import Conflict, Forbidden


@dataclass(frozen=True)
class OpenedRequest:
    """The mentee's live request in the association; `created` is False when it already existed."""

    request_id: UUID
    created: bool


async def open_request(
    conn: asyncpg.Connection, mentee_id: UUID, association_id: UUID, preferences: Preferences
) -> OpenedRequest:
    """Open a request for a mentor and publish `request.created`, unless one is live already (open or
    proposed), which is then returned as it is. Raises Forbidden for anyone not an active member there.
    The matcher picks the request up within moments."""
    if not conn.is_in_transaction():
        raise RuntimeError("open_request must run inside the caller's transaction")
    if not await people.is_active_member(conn, mentee_id, association_id):
        raise Forbidden("only active members of this association can ask for a mentor here")
    for _ in range(3):  # a live request may be closed between the insert and the read: look again
        request_id = uuid4()
        if await requests.insert_open(conn, request_id, mentee_id, association_id, preferences):
            created = RequestCreated(request_id=request_id, mentee_id=mentee_id, association_id=association_id)
            await enqueue(conn, created)
            return OpenedRequest(request_id, created=True)
        if (live := await requests.live_request(conn, mentee_id, association_id)) is not None:
            return OpenedRequest(live, created=False)
    raise Conflict("your request is changing right now; try again")


async def cancel_request(conn: asyncpg.Connection, request_id: UUID, reason: str) -> bool:
    """Stop looking for a mentor: a proposal waiting for an answer is withdrawn (the mentor's place is given
    back) and the request is cancelled. False when it was not live. Runs in the caller's transaction;
    checking that the caller may cancel it is the caller's job."""
    await withdraw_proposal_of_request(conn, request_id, reason)
    return await requests.cancel(conn, request_id, reason)
