"""A proposal's life-cycle: proposed → accepted | declined | expired | withdrawn.

Only the proposed mentor answers, and only while the proposal waits and before it expires. Past its
deadline a waiting proposal *is* expired, whether or not the sweeper has recorded it yet: every reader
(use cases, HTTP read models) asks `effective_status`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from shared.errors import Conflict, Forbidden, NotFound

ProposalStatus = Literal["proposed", "accepted", "declined", "expired", "withdrawn"]
Side = Literal["mentee", "mentor"]
Answer = Literal["accept", "decline"]


def side_of(member: UUID, mentee_id: UUID, mentor_id: UUID) -> Side | None:
    """Which side of a pair the member is on, if any."""
    return "mentee" if member == mentee_id else "mentor" if member == mentor_id else None


def effective_status(status: ProposalStatus, expires_at: datetime, now: datetime) -> ProposalStatus:
    """The status as of `now`: a proposal still waiting past `expires_at` is expired."""
    return "expired" if status == "proposed" and expires_at <= now else status


def check_answer(
    member: UUID,
    *,
    mentee_id: UUID,
    mentor_id: UUID,
    status: ProposalStatus,
    expires_at: datetime,
    now: datetime,
    answer: Answer,
) -> None:
    """Raise unless `member` may give `answer` now: NotFound for a stranger (ids of other people's proposals
    reveal nothing), Forbidden for the mentee, Conflict once the proposal no longer waits or has expired."""
    side = side_of(member, mentee_id, mentor_id)
    if side is None:
        raise NotFound("you have no proposal with this id")
    if side == "mentee":
        raise Forbidden(f"only the proposed mentor can {answer} this proposal")
    if status != "proposed":
        raise Conflict(f"this proposal is no longer waiting for an answer: it was {status}")
    if effective_status(status, expires_at, now) == "expired":
        raise Conflict(f"this proposal expired at {expires_at.isoformat()}; it can no longer be answered")
