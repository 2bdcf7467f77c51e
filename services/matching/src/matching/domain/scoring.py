"""Which mentor may be proposed to which request (hard rules), how good the pair is (score), and why a
request found no one.

The rules are checked in a fixed order and a refusal names the first one that fails; across all the
mentors a request could have had, the furthest rule reached gives the request's honest reason
(`UnmatchedReason`). The score is a weighted sum of five components, each worth 0 to its weight in
points; it is kept as an integer number of 1/1000 points (`SCALE`) so that the solver works on exact
integers, and every component stays in the breakdown to explain a proposal.

The point formulas below take numpy arrays as well as plain integers, so the vectorised candidate
generator (`matching.domain.candidates`) computes exactly the same numbers.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID

import numpy as np
import numpy.typing as npt

from matching.domain.availability import weekly_overlap_minutes
from matching.domain.model import Mentor, Request
from matching.domain.similarity import LEVELS, UNRELATED, level

SCALE = 1000  # score units per point
PREFERENCE_KINDS = 3  # gender, age band, modality

ExcludedPairs = Collection[tuple[UUID, UUID]]  # (mentee member_id, mentor member_id): declined or blocked
Points = TypeVar("Points", int, npt.NDArray[np.int64])


@dataclass(frozen=True, slots=True)
class Weights:
    """Points each component is worth at best; the defaults add up to 100. Associations may override."""

    condition: int = 40
    availability: int = 20
    preferences: int = 15
    experience: int = 10
    waiting: int = 15

    def __post_init__(self) -> None:
        if min(self.condition, self.availability, self.preferences, self.experience, self.waiting) < 0:
            raise ValueError("weights cannot be negative")


@dataclass(frozen=True, slots=True)
class MatchingConfig:
    """The tunable part of matching: weights, the minimum weekly overlap, and where components saturate."""

    weights: Weights = field(default_factory=Weights)
    min_overlap_minutes: int = 60
    overlap_cap_minutes: int = 240  # a weekly overlap this long or longer earns the full availability points
    experience_cap_years: int = 10  # so many years since the mentor's diagnosis earn the full experience points
    waiting_cap_days: int = 60  # a request waiting this long earns the full waiting bonus

    def __post_init__(self) -> None:
        if min(self.overlap_cap_minutes, self.experience_cap_years, self.waiting_cap_days) <= 0:
            raise ValueError("caps must be positive")
        if self.min_overlap_minutes < 0:
            raise ValueError("the minimum overlap cannot be negative")


class Rule(enum.IntEnum):
    """The hard rules, in the order they are checked."""

    APPROVED = 0
    SAME_POOL = 1  # same association, or both in the federation pool
    NOT_SELF = 2
    ROLE = 3  # patient with patient, caregiver with caregiver (unless the caregiver mentee says otherwise)
    CONDITION = 4  # condition similarity > 0
    LANGUAGE = 5
    AVAILABILITY = 6  # weekly overlap >= the configured minimum
    NOT_DECLINED = 7
    NOT_PAUSED = 8
    FREE_CAPACITY = 9


ELIGIBLE = len(Rule)  # the "stage" of a pair that passes every rule


class UnmatchedReason(enum.StrEnum):
    """Why a request has no proposal, in words a member can act on; the values are those of
    `request.unmatched` (`shared.contracts.matching.UnmatchedReason`, which also has "no_consent", a
    service-layer matter)."""

    NO_MENTOR_FOR_CONDITION = "no_mentor_for_condition"
    NO_SHARED_LANGUAGE = "no_shared_language"
    NO_AVAILABILITY_OVERLAP = "no_availability_overlap"
    ALL_MENTORS_FULL = "all_mentors_full"


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a pair may be proposed; `failed` names the first rule broken. Truthy when eligible."""

    failed: Rule | None = None

    def __bool__(self) -> bool:
        return self.failed is None

    @property
    def stage(self) -> int:
        """How far through the rules the pair got (ELIGIBLE when it passed them all)."""
        return ELIGIBLE if self.failed is None else int(self.failed)


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    """The facts behind a score and the points (in 1/1000) each component earned."""

    condition_level: int  # 4 same code, 3 same category, 2 same block, 1 same chapter
    overlap_minutes: int
    preferences_met: int  # of PREFERENCE_KINDS; a preference not stated counts as met
    experience_years: int
    days_waiting: int
    condition: int
    availability: int
    preferences: int
    experience: int
    waiting: int

    @property
    def total(self) -> int:
        return self.condition + self.availability + self.preferences + self.experience + self.waiting

    def points(self) -> dict[str, float]:
        """Points per criterion, as a proposal's breakdown carries them (`match.proposed`)."""
        return {
            "condition": self.condition / SCALE,
            "availability": self.availability / SCALE,
            "preferences": self.preferences / SCALE,
            "experience": self.experience / SCALE,
            "waiting": self.waiting / SCALE,
        }


def condition_points(condition_level: Points, weights: Weights) -> Points:
    return condition_level * weights.condition * SCALE // LEVELS


def availability_points(minutes: Points, config: MatchingConfig) -> Points:
    cap = config.overlap_cap_minutes
    return np.minimum(minutes, cap) * config.weights.availability * SCALE // cap  # type: ignore[no-any-return]


def preference_points(met: Points, weights: Weights) -> Points:
    return met * weights.preferences * SCALE // PREFERENCE_KINDS


def experience_points(years: Points, config: MatchingConfig) -> Points:
    cap = config.experience_cap_years
    return np.minimum(years, cap) * config.weights.experience * SCALE // cap  # type: ignore[no-any-return]


def waiting_points(days: Points, config: MatchingConfig) -> Points:
    cap = config.waiting_cap_days
    return np.minimum(days, cap) * config.weights.waiting * SCALE // cap  # type: ignore[no-any-return]


def days_waiting(request: Request, now: datetime) -> int:
    return max(0, (now - request.created_at) // timedelta(days=1))


def years_since(diagnosed_year: int | None, now: datetime) -> int:
    return 0 if diagnosed_year is None else max(0, now.year - diagnosed_year)


def age(birth_year: int | None, now: datetime) -> int | None:
    """Age this year, good enough for an age band."""
    return None if birth_year is None else now.year - birth_year


def in_same_pool(request: Request, mentor: Mentor) -> bool:
    same_association = request.association_id == mentor.association_id
    return same_association or (request.in_federation_pool and mentor.in_federation_pool)


def roles_fit(request: Request, mentor: Mentor) -> bool:
    return request.accepts_caregiver_mentors() if mentor.is_caregiver else request.accepts_patient_mentors()


def closest_condition(request: Request, mentor: Mentor, now: datetime) -> tuple[int, int]:
    """(level, mentor's years since diagnosis) of the closest pair of codes; among equally close codes,
    the one the mentor has lived with longest."""
    mine = [c.path for c in request.conditions if c.path is not None]
    best = (UNRELATED, 0)
    for theirs in mentor.conditions:
        if theirs.path is None:
            continue
        for own in mine:
            best = max(best, (level(own, theirs.path), years_since(theirs.diagnosed_year, now)))
    return best


def eligible(
    request: Request, mentor: Mentor, config: MatchingConfig, *, now: datetime, excluded: ExcludedPairs = frozenset()
) -> Verdict:
    """Check the hard rules in `Rule` order; the verdict names the first one that fails."""
    return Verdict(_first_broken_rule(request, mentor, config, now, excluded))


def _first_broken_rule(
    request: Request, mentor: Mentor, config: MatchingConfig, now: datetime, excluded: ExcludedPairs
) -> Rule | None:
    checks: tuple[tuple[Rule, Callable[[], bool]], ...] = (
        (Rule.APPROVED, lambda: mentor.approved),
        (Rule.SAME_POOL, lambda: in_same_pool(request, mentor)),
        (Rule.NOT_SELF, lambda: request.member_id != mentor.member_id),
        (Rule.ROLE, lambda: roles_fit(request, mentor)),
        (Rule.CONDITION, lambda: closest_condition(request, mentor, now)[0] > UNRELATED),
        (Rule.LANGUAGE, lambda: not request.languages.isdisjoint(mentor.languages)),
        (Rule.AVAILABILITY, lambda: overlap_minutes(request, mentor, now) >= config.min_overlap_minutes),
        (Rule.NOT_DECLINED, lambda: (request.member_id, mentor.member_id) not in excluded),
        (Rule.NOT_PAUSED, lambda: not mentor.paused),
        (Rule.FREE_CAPACITY, lambda: mentor.free_capacity > 0),
    )
    return next((rule for rule, passes in checks if not passes()), None)


def overlap_minutes(request: Request, mentor: Mentor, now: datetime) -> int:
    return weekly_overlap_minutes(request.availability, mentor.availability, now)


def preferences_met(request: Request, mentor: Mentor, now: datetime) -> int:
    """How many of gender, age band and modality are fine: not asked for, or satisfied."""
    wish = request.preferences
    mentor_age = age(mentor.birth_year, now)
    gender = wish.gender is None or wish.gender == mentor.gender
    band = wish.age_band is None or (
        mentor_age is not None and wish.age_band.youngest <= mentor_age <= wish.age_band.oldest
    )
    modality = wish.modality is None or wish.modality in mentor.modalities
    return int(gender) + int(band) + int(modality)


def score(request: Request, mentor: Mentor, config: MatchingConfig, *, now: datetime) -> ScoreBreakdown:
    """The score of a pair with its breakdown (meaningful for eligible pairs)."""
    condition_level, years = closest_condition(request, mentor, now)
    overlap = overlap_minutes(request, mentor, now)
    met = preferences_met(request, mentor, now)
    waited = days_waiting(request, now)
    return ScoreBreakdown(
        condition_level=condition_level,
        overlap_minutes=overlap,
        preferences_met=met,
        experience_years=years,
        days_waiting=waited,
        condition=condition_points(condition_level, config.weights),
        availability=int(availability_points(overlap, config)),
        preferences=preference_points(met, config.weights),
        experience=int(experience_points(years, config)),
        waiting=int(waiting_points(waited, config)),
    )


def reason_for(furthest_stage: int) -> UnmatchedReason:
    """The reason for a request whose best candidate got to `furthest_stage`. Past the availability rule
    the suitable mentors exist but none can take this request now: each is full, paused, was declined
    with this member, or (ELIGIBLE) the optimal assignment gave their places to other requests."""
    if furthest_stage <= Rule.CONDITION:
        return UnmatchedReason.NO_MENTOR_FOR_CONDITION
    if furthest_stage == Rule.LANGUAGE:
        return UnmatchedReason.NO_SHARED_LANGUAGE
    if furthest_stage == Rule.AVAILABILITY:
        return UnmatchedReason.NO_AVAILABILITY_OVERLAP
    return UnmatchedReason.ALL_MENTORS_FULL


def unmatched_reason(
    request: Request,
    mentors: Iterable[Mentor],
    config: MatchingConfig,
    *,
    now: datetime,
    excluded: ExcludedPairs = frozenset(),
) -> UnmatchedReason:
    """Why `request` has no mentor, judged from the mentor that got furthest through the rules."""
    stages = (eligible(request, mentor, config, now=now, excluded=excluded).stage for mentor in mentors)
    return reason_for(max(stages, default=0))
