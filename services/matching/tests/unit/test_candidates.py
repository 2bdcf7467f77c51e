"""The vectorised candidate generator against the scalar rules, on random small pools of people.

It must find exactly the pairs `eligible` accepts, score each exactly as `score`, and explain unmatched
requests exactly as `unmatched_reason`; the optimal assignment built on it must keep every hard rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TypeVar
from uuid import UUID

import numpy as np
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching.domain.availability import WeeklyAvailability
from matching.domain.candidates import Candidates, explain_unmatched, generate_candidates
from matching.domain.model import AgeBand, Condition, Mentor, Preferences, Request
from matching.domain.scoring import MatchingConfig, Weights, eligible, score, unmatched_reason
from matching.domain.solver import solve
from shared.contracts.membership import AvailabilityWindow

ASSOCIATIONS = [UUID(int=1), UUID(int=2), UUID(int=3)]
MEMBERS = [UUID(int=100 + i) for i in range(20)]  # few, so that a person can be on both sides
CODES = ["G43.1", "G43.0", "G43", "G44.2", "G20", "E11.9", "C50.9", "C91.0", "ZZ9"]
ZONES = ["Europe/Paris", "UTC", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Asia/Kathmandu"]
NOWS = [  # ordinary weeks and the weeks when only one side of the Atlantic has changed its clocks
    datetime(2026, 2, 2, 9, 30, tzinfo=UTC),
    datetime(2026, 3, 10, 8, 0, tzinfo=UTC),
    datetime(2026, 3, 27, 23, 10, tzinfo=UTC),
    datetime(2026, 10, 28, 12, 0, tzinfo=UTC),
    datetime(2026, 4, 3, 0, 0, tzinfo=UTC),
]
GENDERS = ["female", "male", "non_binary", "other"]
T = TypeVar("T")


@st.composite
def windows(draw: st.DrawFn) -> AvailabilityWindow:
    """Mostly long windows early in the week, so that people overlap often enough to be interesting."""
    start = draw(st.integers(0, 95)) * 15
    end = (start + draw(st.sampled_from([15, 60, 120, 240, 600, 1440]))) % 1440
    return AvailabilityWindow(
        weekday=draw(st.sampled_from([0, 0, 1, 2, 6])),
        start=time(start // 60, start % 60),
        end=time(end // 60, end % 60),
    )


availability = st.builds(WeeklyAvailability, st.sampled_from(ZONES), st.lists(windows(), max_size=4).map(tuple))
conditions = st.lists(
    st.builds(Condition, st.sampled_from(CODES), st.none() | st.integers(1990, 2026)), max_size=3
).map(tuple)
languages = st.frozensets(st.sampled_from(["fr", "en", "de"]), max_size=2)
mostly = st.sampled_from([True] * 5 + [False])
rarely = mostly.map(lambda b: not b)


@st.composite
def preferences(draw: st.DrawFn) -> Preferences:
    youngest = draw(st.integers(18, 70))
    return Preferences(
        gender=draw(st.none() | st.sampled_from(GENDERS)),
        age_band=draw(st.none() | st.just(AgeBand(youngest, youngest + draw(st.integers(0, 30))))),
        modality=draw(st.none() | st.sampled_from(["video", "phone", "chat"])),
        caregiver_for_caregiver=draw(st.booleans()),
    )


@dataclass(frozen=True)
class Likeness:
    """What the people of one pool tend to share; each person keeps each trait with probability 5/6.

    Without it, random people almost never pass every rule and the properties would hold vacuously."""

    association: UUID
    languages: frozenset[str]
    conditions: tuple[Condition, ...]
    availability: WeeklyAvailability


def near(draw: st.DrawFn, usual: T, other: st.SearchStrategy[T]) -> T:
    return usual if draw(mostly) else draw(other)


@st.composite
def requests(draw: st.DrawFn, now: datetime, like: Likeness) -> Request:
    return Request(
        request_id=draw(st.uuids()),
        member_id=draw(st.sampled_from(MEMBERS)),
        association_id=near(draw, like.association, st.sampled_from(ASSOCIATIONS)),
        languages=near(draw, like.languages, languages),
        conditions=near(draw, like.conditions, conditions),
        availability=near(draw, like.availability, availability),
        is_caregiver=draw(rarely),
        birth_year=draw(st.none() | st.integers(1940, 2008)),
        gender=draw(st.none() | st.sampled_from(GENDERS)),
        federation_consent=draw(st.booleans()),
        association_allows_federation=draw(st.booleans()),
        created_at=now - timedelta(minutes=draw(st.integers(-60, 120 * 24 * 60))),
        preferences=draw(preferences()),
    )


@st.composite
def mentors(draw: st.DrawFn, like: Likeness) -> Mentor:
    capacity = draw(st.integers(1, 5))
    return Mentor(
        member_id=draw(st.sampled_from(MEMBERS)),
        association_id=near(draw, like.association, st.sampled_from(ASSOCIATIONS)),
        languages=near(draw, like.languages, languages),
        conditions=near(draw, like.conditions, conditions),
        availability=near(draw, like.availability, availability),
        is_caregiver=draw(rarely),
        birth_year=draw(st.none() | st.integers(1940, 2008)),
        gender=draw(st.none() | st.sampled_from(GENDERS)),
        modalities=draw(st.frozensets(st.sampled_from(["video", "phone", "chat"]), min_size=1)),
        capacity=capacity,
        active_load=draw(st.sampled_from([0, 0, capacity - 1, capacity])),
        paused=draw(rarely),
        approved=draw(mostly),
        federation_consent=draw(st.booleans()),
        association_allows_federation=draw(st.booleans()),
    )


@st.composite
def pools(
    draw: st.DrawFn,
) -> tuple[list[Request], list[Mentor], datetime, frozenset[tuple[UUID, UUID]], MatchingConfig]:
    now = draw(st.sampled_from(NOWS))
    like = Likeness(
        draw(st.sampled_from(ASSOCIATIONS)),
        draw(st.frozensets(st.sampled_from(["fr", "en", "de"]), min_size=1, max_size=2)),
        draw(conditions.filter(lambda c: any(code.path for code in c))),
        draw(availability.filter(lambda a: bool(a.windows))),
    )
    config = MatchingConfig(
        weights=Weights(*draw(st.lists(st.integers(0, 50), min_size=5, max_size=5))),
        min_overlap_minutes=draw(st.sampled_from([0, 30, 60, 60, 120])),
    )
    found_requests = draw(st.lists(requests(now, like), min_size=1, max_size=7))
    found_mentors = draw(st.lists(mentors(like), min_size=1, max_size=7))
    met = st.sampled_from([(r.member_id, m.member_id) for r in found_requests for m in found_mentors])
    excluded = draw(st.frozensets(met | st.tuples(st.sampled_from(MEMBERS), st.sampled_from(MEMBERS)), max_size=4))
    return found_requests, found_mentors, now, excluded, config


Pool = tuple[list[Request], list[Mentor], datetime, frozenset[tuple[UUID, UUID]], MatchingConfig]


def scalar_candidates(pool: Pool) -> dict[tuple[int, int], int]:
    found_requests, found_mentors, now, excluded, config = pool
    return {
        (i, j): score(r, m, config, now=now).total
        for i, r in enumerate(found_requests)
        for j, m in enumerate(found_mentors)
        if eligible(r, m, config, now=now, excluded=excluded)
    }


def vector_candidates(candidates: Candidates) -> dict[tuple[int, int], int]:
    pairs = zip(candidates.request.tolist(), candidates.mentor.tolist(), candidates.score.tolist(), strict=True)
    found = {(r, m): s for r, m, s in pairs}
    assert len(found) == len(candidates), "a pair came out twice"
    return found


@settings(max_examples=200, deadline=None)
@given(pools())
def test_the_generator_finds_exactly_the_eligible_pairs_with_their_scores(pool: Pool) -> None:
    found_requests, found_mentors, now, excluded, config = pool
    candidates = generate_candidates(found_requests, found_mentors, config, now=now, excluded=excluded)
    assert vector_candidates(candidates) == scalar_candidates(pool)
    assert candidates.capacity.tolist() == [m.free_capacity if m.available else 0 for m in found_mentors]


@settings(max_examples=150, deadline=None)
@given(pools())
def test_unmatched_reasons_match_the_scalar_funnel(pool: Pool) -> None:
    found_requests, found_mentors, now, excluded, config = pool
    reasons = explain_unmatched(found_requests, found_mentors, config, now=now, excluded=excluded)
    assert reasons == [unmatched_reason(r, found_mentors, config, now=now, excluded=excluded) for r in found_requests]


def dense_optimum(candidates: Candidates) -> int:
    best = np.zeros((len(candidates.requests), len(candidates.mentors)), dtype=np.int64)
    np.maximum.at(best, (candidates.request, candidates.mentor), candidates.score)
    slot_owner = np.repeat(np.arange(len(candidates.mentors)), candidates.capacity)
    dense = np.zeros((len(candidates.requests), len(slot_owner) + len(candidates.requests)), dtype=np.int64)
    dense[:, : len(slot_owner)] = best[:, slot_owner]
    rows, columns = linear_sum_assignment(dense, maximize=True)
    return int(dense[rows, columns].sum())


@settings(max_examples=150, deadline=None)
@given(pools())
def test_the_optimal_assignment_keeps_every_hard_rule_and_capacity(pool: Pool) -> None:
    found_requests, found_mentors, now, excluded, config = pool
    candidates = generate_candidates(found_requests, found_mentors, config, now=now, excluded=excluded)
    assignment = solve(candidates)
    load = np.zeros(len(found_mentors), dtype=np.int64)
    for r, m in zip(
        candidates.request[assignment.chosen].tolist(), candidates.mentor[assignment.chosen].tolist(), strict=True
    ):
        assert eligible(found_requests[r], found_mentors[m], config, now=now, excluded=excluded)
        load[m] += 1
    assert all(load[j] <= m.free_capacity for j, m in enumerate(found_mentors))
    assert len(set(candidates.request[assignment.chosen].tolist())) == len(assignment.chosen)
    assert assignment.total == dense_optimum(candidates)


def test_the_random_pools_are_not_vacuous() -> None:
    """The properties above mean something only if pools with several eligible pairs come up."""
    no_shrinking = settings(database=None, phases=[Phase.generate], max_examples=200)
    crowded = find(pools(), lambda pool: len(scalar_candidates(pool)) >= 6, settings=no_shrinking)
    assert len(scalar_candidates(crowded)) >= 6


def test_more_than_64_languages_are_told_apart() -> None:
    """Languages are bitsets of 64-bit words: the mentors here speak 70 between them, and some pairs share
    languages in both words (the pair must still come out once)."""
    now, spoken = NOWS[0], [f"x{i:02}" for i in range(70)]
    day = WeeklyAvailability("UTC", (AvailabilityWindow(weekday=0, start=time(8), end=time(20)),))
    people = [
        Request(
            request_id=UUID(int=i),
            member_id=UUID(int=1000 + i),
            association_id=ASSOCIATIONS[0],
            languages=frozenset({spoken[i * 7 % 70], spoken[(i * 7 + 66) % 70]}),
            conditions=(Condition("G43.1", 2024),),
            availability=day,
            is_caregiver=False,
            birth_year=None,
            gender=None,
            federation_consent=False,
            association_allows_federation=False,
            created_at=now,
        )
        for i in range(10)
    ]
    helpers = [
        Mentor(
            member_id=UUID(int=2000 + j),
            association_id=ASSOCIATIONS[0],
            languages=frozenset(spoken[j * 9 : j * 9 + 9]),
            conditions=(Condition("G43.0", 2010),),
            availability=day,
            is_caregiver=False,
            birth_year=None,
            gender=None,
            modalities=frozenset({"video"}),
            capacity=2,
            active_load=0,
            paused=False,
            approved=True,
            federation_consent=False,
            association_allows_federation=False,
        )
        for j in range(8)
    ]
    pool: Pool = (people, helpers, now, frozenset(), MatchingConfig())
    found = vector_candidates(generate_candidates(people, helpers, MatchingConfig(), now=now))
    assert found == scalar_candidates(pool) and len(found) >= 10
    reasons = explain_unmatched(people, helpers, MatchingConfig(), now=now)
    assert reasons == [unmatched_reason(r, helpers, MatchingConfig(), now=now) for r in people]
