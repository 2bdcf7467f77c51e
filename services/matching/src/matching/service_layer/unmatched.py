"""Use case: tell a mentee honestly why no mentor was proposed, and roughly how long others waited.

The reason comes from the rules (`explain_unmatched`), or is `no_consent` when the mentee withdrew a
consent matching needs. The estimated wait is the median number of days from request to first proposal
in the mentee's association over the last 90 days (None without such history). No dead end: the message
carries the association's soonest events for the mentee's conditions (from `events.conference.v1`). `request.unmatched` is
published when the reason differs from the one last recorded: a request that was proposed and came back
(declined, expired) starts afresh, so it is told again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import asyncpg

from matching.adapters import requests, upcoming_events
from matching.adapters.pool import OpenRequest
from shared.contracts.matching import RequestUnmatched, UnmatchedReason
from shared.db.outbox import enqueue

HISTORY_DAYS = 90


@dataclass(frozen=True)
class Unmatched:
    """An open request the round could not propose, and why (a value of the contract's `UnmatchedReason`)."""

    open_request: OpenRequest
    reason: str


async def record_unmatched(pool: asyncpg.Pool, unmatched: Sequence[Unmatched], now: datetime) -> int:
    """Record each request's reason and estimated wait where either changed; publish `request.unmatched`
    where the reason changed. Returns how many were published."""
    if not unmatched:
        return 0
    published = 0
    async with pool.acquire() as conn, conn.transaction():
        associations = sorted({u.open_request.request.association_id for u in unmatched})
        waits = await requests.median_days_to_proposal(conn, associations, now, HISTORY_DAYS)
        for item in unmatched:
            stored, request = item.open_request, item.open_request.request
            wait = waits.get(request.association_id)
            if (item.reason, wait) == (stored.unmatched_reason, stored.estimated_wait_days):
                continue
            recorded = await requests.record_unmatched(
                conn, request.request_id, item.reason, wait, previous=stored.unmatched_reason
            )
            if recorded and item.reason != stored.unmatched_reason:
                message = RequestUnmatched(
                    request_id=request.request_id,
                    mentee_id=request.member_id,
                    association_id=request.association_id,
                    reason=cast(UnmatchedReason, item.reason),
                    estimated_wait_days=wait,
                    suggestions=await upcoming_events.for_member(conn, request.member_id, request.association_id, now),
                )
                await enqueue(conn, message)
                published += 1
    return published
