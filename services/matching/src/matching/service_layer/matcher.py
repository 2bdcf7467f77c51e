"""The solver loop: a background worker that keeps every open request proposed to the best free mentor.

A round (`match_round`):

1. expires the proposals nobody answered in time (`match.expired`, the pair excluded, the request open);
2. loads every open request and every mentor who may be matched (`adapters.pool`);
3. finds the eligible pairs with each request's association's weights (`generate_candidates`, grouped
   by configuration) and solves them together, exactly (`solve`: maximum total score within capacities);
4. writes each chosen pair as a proposal, one transaction each (`proposals.propose`, which reserves the
   mentor's place atomically);
5. records why each request left over has no proposal and publishes it when the reason changed.

`Matcher` runs rounds: woken by `LISTEN matching_changed` (triggers fire when something that may allow a
new proposal changed), debounced so that a burst of changes is solved once, and at least every
`poll_interval_seconds` (expiry, and any wake-up missed while reconnecting). With `exclusive`, a session
advisory lock lets one process solve at a time; correctness never depends on it (the reservation in
step 4 is the guard), it only saves solving the same thing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg
import numpy as np

from matching.adapters import pool as matching_pool
from matching.adapters import weights as weight_store
from matching.adapters.pool import OpenRequest
from matching.domain.candidates import explain_unmatched, generate_candidates
from matching.domain.model import Mentor
from matching.domain.scoring import MatchingConfig, Weights
from matching.domain.solver import PairTable, solve
from matching.service_layer.proposals import Chosen, expire_due, propose
from matching.service_layer.unmatched import Unmatched, record_unmatched
from matching.settings import MatcherSettings
from shared.db.locks import LockKey, session_lock
from shared.db.notified_worker import NotifiedWorker
from shared.dependencies import Clock, utc_now

log = logging.getLogger(__name__)

CHANNEL = "matching_changed"


@dataclass(frozen=True)
class Snapshot:
    """What a round solves over, read at one moment."""

    requests: Sequence[OpenRequest]
    mentors: Sequence[Mentor]
    excluded: set[tuple[UUID, UUID]]
    weights: dict[UUID, Weights]


@dataclass(frozen=True)
class Plan:
    """The pairs to propose and the requests left over, with their reasons."""

    chosen: list[Chosen]
    unmatched: list[Unmatched]


@dataclass(frozen=True)
class RoundReport:
    expired: int
    proposed: int
    unmatched_published: int


async def load_snapshot(pool: asyncpg.Pool) -> Snapshot:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        return Snapshot(
            requests=await matching_pool.open_requests(conn),
            mentors=await matching_pool.mentors(conn),
            excluded=await matching_pool.excluded_pairs(conn),
            weights=await weight_store.all_stored_weights(conn),
        )


def plan(snapshot: Snapshot, settings: MatcherSettings, now: datetime) -> Plan:
    """The optimal assignment of the snapshot's requests (each scored with its association's weights) and
    the reason each request left over has none."""
    matchable = [o for o in snapshot.requests if o.consented]
    groups: dict[MatchingConfig, list[int]] = {}
    for index, open_request in enumerate(matchable):
        weights = snapshot.weights.get(open_request.request.association_id, Weights())
        config = MatchingConfig(weights=weights, min_overlap_minutes=settings.min_overlap_minutes)
        groups.setdefault(config, []).append(index)

    mentors = snapshot.mentors
    parts = []
    for config, members in groups.items():
        found = generate_candidates(
            [matchable[i].request for i in members], mentors, config, now=now, excluded=snapshot.excluded
        )
        parts.append((np.asarray(members, dtype=np.int64)[found.request], found.mentor, found.score))
    table = PairTable(
        request=np.concatenate([p[0] for p in parts] or [np.zeros(0, np.int64)]).astype(np.int32),
        mentor=np.concatenate([p[1] for p in parts] or [np.zeros(0, np.int32)]).astype(np.int32),
        score=np.concatenate([p[2] for p in parts] or [np.zeros(0, np.int64)]).astype(np.int64),
        capacity=np.array([m.free_capacity if m.available else 0 for m in mentors], dtype=np.int64),
    )
    mentor_of = solve(table).mentor_of(table, len(matchable)).tolist()

    chosen, unmatched = [], [Unmatched(o, "no_consent") for o in snapshot.requests if not o.consented]
    for config, members in groups.items():
        left = [i for i in members if mentor_of[i] < 0]
        chosen += [Chosen(matchable[i].request, mentors[mentor_of[i]], config) for i in members if mentor_of[i] >= 0]
        reasons = explain_unmatched(
            [matchable[i].request for i in left], mentors, config, now=now, excluded=snapshot.excluded
        )
        unmatched += [Unmatched(matchable[i], reason.value) for i, reason in zip(left, reasons, strict=True)]
    chosen.sort(key=lambda c: (c.request.created_at, c.request.request_id))
    return Plan(chosen, unmatched)


async def match_round(pool: asyncpg.Pool, settings: MatcherSettings, now: datetime) -> RoundReport:
    """One round (see the module docstring)."""
    expired = await expire_due(pool, now)
    snapshot = await load_snapshot(pool)
    decided = plan(snapshot, settings, now)
    proposed = [await propose(pool, chosen, settings, now) for chosen in decided.chosen]
    published = await record_unmatched(pool, decided.unmatched, now)
    report = RoundReport(len(expired), sum(p is not None for p in proposed), published)
    if report != RoundReport(0, 0, 0):
        log.info("matching round", extra=report.__dict__ | {"open_requests": len(snapshot.requests)})
    return report


class Matcher(NotifiedWorker):
    """The background worker (`start`/`stop`) that runs `match_round` when woken, debounced, and on a poll."""

    def __init__(self, pool: asyncpg.Pool, settings: MatcherSettings, *, clock: Clock = utc_now) -> None:
        super().__init__(
            pool,
            channel=CHANNEL,
            name="matcher",
            max_backoff=settings.poll_interval_seconds,
            debounce=settings.debounce_seconds,
        )
        self.settings = settings
        self.clock = clock
        self.rounds = 0

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    async def run_once(self) -> RoundReport:
        """One round now, in the caller's task (no lock)."""
        report = await match_round(self.pool, self.settings, self.clock())
        self.rounds += 1
        return report

    async def work(self, listener: asyncpg.Connection) -> float:
        if not await self._solve_round(listener):
            self.wake()  # another process is solving: solve again after it
        return self.settings.poll_interval_seconds

    async def _solve_round(self, listener: asyncpg.Connection) -> bool:
        """A round under the advisory lock (when exclusive); False when another process holds it."""
        if not self.settings.exclusive:
            await self.run_once()
            return True
        async with session_lock(self.pool, LockKey.MATCHER) as held:
            if held:
                await self.run_once()
        return held
