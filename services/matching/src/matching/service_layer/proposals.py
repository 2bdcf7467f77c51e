"""Use cases of the matcher: write a proposal the solver chose, expire the proposals nobody answered.

A proposal is written in one transaction with its guards, so that several matchers (or a matcher and
the consumers) working at once can never break a rule:

1. both people's rows are share-locked and checked again (still active members, consents given, the
   mentor role, the federation pool for a pair across associations): a withdrawal of consent or a
   departure either waits for this transaction (and then withdraws the proposal) or stops it;
2. a place of the mentor is reserved (`load < capacity AND NOT paused`, re-checked under the row lock);
3. the request goes from open to proposed (nobody proposed it meanwhile);
4. the proposal and `match.proposed` are written.

If any step finds the situation changed, the transaction rolls back and the next round decides again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from matching.adapters import mentors, proposals, requests
from matching.adapters.pool import lock_parties
from matching.adapters.proposals import Pair
from matching.domain.availability import first_common_slot
from matching.domain.eligibility import may_pair
from matching.domain.model import Mentor, Request
from matching.domain.scoring import SCALE, MatchingConfig, score
from matching.settings import MatcherSettings
from shared.contracts.matching import MatchExpired, MatchProposed, Slot
from shared.db.outbox import enqueue

log = logging.getLogger(__name__)


class _SituationChanged(Exception):
    """Rolls the proposal's transaction back: the next round decides again."""


@dataclass(frozen=True)
class Chosen:
    """A pair the solver chose, with the configuration its score was computed with."""

    request: Request
    mentor: Mentor
    config: MatchingConfig


async def propose(pool: asyncpg.Pool, chosen: Chosen, settings: MatcherSettings, now: datetime) -> UUID | None:
    """Write the proposal and publish `match.proposed`; its match id, or None when the situation changed."""
    message, score_units = proposal_message(chosen, settings, now)
    pair = Pair(
        message.match_id,
        message.request_id,
        message.mentee_id,
        message.association_id,
        message.mentor_id,
        chosen.mentor.association_id,
    )
    try:
        async with pool.acquire() as conn, conn.transaction():
            await _reserve(conn, pair, now)
            await proposals.insert_proposal(
                conn,
                pair,
                score=score_units,
                breakdown=message.breakdown,
                first_slot=message.first_slot,
                created_at=now,
                expires_at=message.expires_at,
            )
            await enqueue(conn, message)
    except _SituationChanged:
        return None
    except asyncpg.DeadlockDetectedError:
        log.info("proposal left for the next round (deadlock)", extra={"request_id": str(pair.request_id)})
        return None
    return pair.match_id


def proposal_message(chosen: Chosen, settings: MatcherSettings, now: datetime) -> tuple[MatchProposed, int]:
    """`match.proposed` for the pair (a new match id, the breakdown, the first common slot in each person's
    time), and the score in the domain's integer units."""
    request, mentor = chosen.request, chosen.mentor
    breakdown = score(request, mentor, chosen.config, now=now)
    slot = first_common_slot(request.availability, mentor.availability, now, horizon=settings.first_slot_horizon)
    first_slot = None
    if slot is not None:
        mentee_local, mentor_local = slot.labels()
        first_slot = Slot(starts_at=slot.start, mentee_local=mentee_local, mentor_local=mentor_local)
    message = MatchProposed(
        request_id=request.request_id,
        mentee_id=request.member_id,
        association_id=request.association_id,
        match_id=uuid4(),
        mentor_id=mentor.member_id,
        score=breakdown.total / SCALE,
        expires_at=now + settings.proposal_ttl,
        breakdown=breakdown.points(),
        first_slot=first_slot,
    )
    return message, breakdown.total


async def _reserve(conn: asyncpg.Connection, pair: Pair, now: datetime) -> None:
    """Steps 1-3 of the module docstring; raises _SituationChanged when one of them finds no."""
    parties = await lock_parties(
        conn, (pair.mentee_id, pair.association_id), (pair.mentor_id, pair.mentor_association_id)
    )
    if not may_pair(parties.get(pair.mentee_id), parties.get(pair.mentor_id)):
        raise _SituationChanged
    if not await mentors.reserve_place(conn, pair.mentor_id, pair.mentor_association_id):
        raise _SituationChanged
    if not await requests.mark_proposed(conn, pair.request_id, now):
        raise _SituationChanged


async def expire_due(pool: asyncpg.Pool, now: datetime) -> list[Pair]:
    """Proposals unanswered past `expires_at`: expired, the place given back, the pair never proposed again,
    the request open again, `match.expired` published."""
    expired: list[Pair] = []
    while True:
        async with pool.acquire() as conn, conn.transaction():
            batch = await proposals.expire_due(conn, now)
            for pair in batch:
                await mentors.release_place(conn, pair.mentor_id, pair.mentor_association_id)
                await proposals.exclude_pair(conn, pair.mentee_id, pair.mentor_id, "expired")
                await requests.reopen(conn, pair.request_id)
                message = MatchExpired(
                    request_id=pair.request_id,
                    mentee_id=pair.mentee_id,
                    association_id=pair.association_id,
                    match_id=pair.match_id,
                    mentor_id=pair.mentor_id,
                )
                await enqueue(conn, message)
        expired.extend(batch)
        if not batch:
            return expired
