"""Hard rules (with the first one broken), the score breakdown, and the honest reason for no match."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import get_args
from uuid import UUID, uuid4

import pytest

from matching.domain.availability import WeeklyAvailability
from matching.domain.model import AgeBand, Condition, Mentor, Preferences, Request
from matching.domain.scoring import (
    SCALE,
    MatchingConfig,
    Rule,
    UnmatchedReason,
    Weights,
    eligible,
    score,
    unmatched_reason,
)
from shared.contracts.matching import UnmatchedReason as ContractReason
from shared.contracts.membership import AvailabilityWindow

NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
HOME = UUID(int=1)
ELSEWHERE = UUID(int=2)


def evenings(
    zone: str = "Europe/Paris", start: str = "18:00", end: str = "21:00", days: range = range(5)
) -> WeeklyAvailability:
    return WeeklyAvailability(
        zone,
        tuple(
            AvailabilityWindow(weekday=day, start=time.fromisoformat(start), end=time.fromisoformat(end))
            for day in days
        ),
    )


def request(**changes: object) -> Request:
    base = Request(
        request_id=uuid4(),
        member_id=uuid4(),
        association_id=HOME,
        languages=frozenset({"fr"}),
        conditions=(Condition("G43.1", 2025),),
        availability=evenings(),
        is_caregiver=False,
        birth_year=1990,
        gender="female",
        federation_consent=False,
        association_allows_federation=False,
        created_at=NOW - timedelta(days=6),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def mentor(**changes: object) -> Mentor:
    base = Mentor(
        member_id=uuid4(),
        association_id=HOME,
        languages=frozenset({"fr", "en"}),
        conditions=(Condition("G43.1", 2016),),
        availability=evenings(),
        is_caregiver=False,
        birth_year=1980,
        gender="female",
        modalities=frozenset({"video", "phone"}),
        capacity=3,
        active_load=1,
        paused=False,
        approved=True,
        federation_consent=False,
        association_allows_federation=False,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


CONFIG = MatchingConfig()


def verdict(r: Request, m: Mentor, excluded: frozenset[tuple[UUID, UUID]] = frozenset()) -> Rule | None:
    return eligible(r, m, CONFIG, now=NOW, excluded=excluded).failed


def test_a_good_pair_passes_every_rule() -> None:
    result = eligible(request(), mentor(), CONFIG, now=NOW)
    assert result and result.failed is None


@pytest.mark.parametrize(
    ("mentee", "helper", "broken"),
    [
        (request(), mentor(approved=False), Rule.APPROVED),
        (request(), mentor(association_id=ELSEWHERE), Rule.SAME_POOL),
        (request(is_caregiver=True), mentor(), Rule.ROLE),
        (request(), mentor(is_caregiver=True), Rule.ROLE),
        (request(), mentor(conditions=(Condition("E11.9", 2010),)), Rule.CONDITION),
        (request(), mentor(languages=frozenset({"de"})), Rule.LANGUAGE),
        (request(), mentor(availability=evenings(start="07:00", end="08:00")), Rule.AVAILABILITY),
        (request(), mentor(availability=evenings("America/New_York")), Rule.AVAILABILITY),  # 00-03 UTC vs 17-20
        (request(), mentor(paused=True), Rule.NOT_PAUSED),
        (request(), mentor(active_load=3), Rule.FREE_CAPACITY),
    ],
)
def test_a_pair_fails_on_the_first_rule_it_breaks(mentee: Request, helper: Mentor, broken: Rule) -> None:
    assert verdict(mentee, helper) == broken


def test_the_same_person_is_never_their_own_mentor() -> None:
    mentee = request()
    assert verdict(mentee, mentor(member_id=mentee.member_id)) == Rule.NOT_SELF


def test_a_declined_or_blocked_pair_is_not_proposed_again() -> None:
    mentee, helper = request(), mentor()
    assert verdict(mentee, helper, frozenset({(mentee.member_id, helper.member_id)})) == Rule.NOT_DECLINED
    assert verdict(mentee, helper, frozenset({(helper.member_id, mentee.member_id)})) is None


def test_the_federation_pool_needs_consent_and_permission_on_both_sides() -> None:
    pooled_mentee = request(federation_consent=True, association_allows_federation=True)
    pooled_mentor = mentor(association_id=ELSEWHERE, federation_consent=True, association_allows_federation=True)
    assert verdict(pooled_mentee, pooled_mentor) is None
    assert verdict(replace(pooled_mentee, federation_consent=False), pooled_mentor) == Rule.SAME_POOL
    assert verdict(replace(pooled_mentee, association_allows_federation=False), pooled_mentor) == Rule.SAME_POOL
    assert verdict(pooled_mentee, replace(pooled_mentor, federation_consent=False)) == Rule.SAME_POOL


def test_a_caregiver_may_ask_to_meet_patients_too() -> None:
    caregiver = request(is_caregiver=True, preferences=Preferences(caregiver_for_caregiver=False))
    assert verdict(caregiver, mentor()) is None
    assert verdict(caregiver, mentor(is_caregiver=True)) is None
    assert verdict(request(is_caregiver=True), mentor(is_caregiver=True)) is None


def test_the_minimum_overlap_is_configurable() -> None:
    hour = mentor(availability=evenings(start="20:00", end="21:00", days=range(1)))
    assert eligible(request(), hour, CONFIG, now=NOW)
    assert not eligible(request(), hour, MatchingConfig(min_overlap_minutes=61), now=NOW)


def test_the_breakdown_adds_up_and_each_component_is_in_points() -> None:
    breakdown = score(request(), mentor(), CONFIG, now=NOW)
    assert (breakdown.condition_level, breakdown.overlap_minutes) == (4, 15 * 60)
    assert (breakdown.preferences_met, breakdown.experience_years, breakdown.days_waiting) == (3, 10, 6)
    assert breakdown.condition == 40 * SCALE
    assert breakdown.availability == 20 * SCALE  # 15 h a week is past the 4 h cap
    assert breakdown.preferences == 15 * SCALE  # nothing asked, nothing missed
    assert breakdown.experience == 10 * SCALE
    assert breakdown.waiting == 15 * SCALE * 6 // 60
    assert breakdown.total == 40_000 + 20_000 + 15_000 + 10_000 + 1_500
    assert breakdown.points() == {
        "condition": 40.0,
        "availability": 20.0,
        "preferences": 15.0,
        "experience": 10.0,
        "waiting": 1.5,
    }


def test_closer_conditions_longer_overlap_more_experience_and_longer_waits_score_higher() -> None:
    def total(r: Request, m: Mentor) -> int:
        return score(r, m, CONFIG, now=NOW).total

    assert total(request(), mentor()) > total(request(), mentor(conditions=(Condition("G43.0", 2016),)))
    one_hour = evenings(start="20:00", end="21:00", days=range(1))
    assert total(request(), mentor()) > total(request(), mentor(availability=one_hour))
    assert total(request(), mentor()) > total(request(), mentor(conditions=(Condition("G43.1", 2022),)))
    assert total(request(created_at=NOW - timedelta(days=30)), mentor()) > total(request(), mentor())
    assert total(request(created_at=NOW - timedelta(days=300)), mentor()) == total(
        request(created_at=NOW - timedelta(days=60)), mentor()
    )


def test_the_experience_counts_the_mentors_closest_condition_then_the_longest_lived() -> None:
    helper = mentor(conditions=(Condition("G43.1", 2020), Condition("G43.0", 2000), Condition("G43.1", 2018)))
    breakdown = score(request(), helper, CONFIG, now=NOW)
    assert (breakdown.condition_level, breakdown.experience_years) == (4, 8)


def test_each_stated_preference_weighs_until_it_is_met() -> None:
    picky = Preferences(gender="male", age_band=AgeBand(20, 35), modality="chat")
    assert score(request(preferences=picky), mentor(), CONFIG, now=NOW).preferences_met == 0
    fitting = mentor(gender="male", birth_year=2000, modalities=frozenset({"chat"}))
    assert score(request(preferences=picky), fitting, CONFIG, now=NOW).preferences_met == 3
    unknown = mentor(gender=None, birth_year=None, modalities=frozenset({"chat"}))
    assert score(request(preferences=picky), unknown, CONFIG, now=NOW).preferences_met == 1


def test_weights_are_overridable() -> None:
    only_conditions = MatchingConfig(
        weights=Weights(condition=100, availability=0, preferences=0, experience=0, waiting=0)
    )
    assert (
        score(request(), mentor(conditions=(Condition("G44.2", 2016),)), only_conditions, now=NOW).total == 50 * SCALE
    )


@pytest.mark.parametrize(
    ("mentors", "reason"),
    [
        ([], UnmatchedReason.NO_MENTOR_FOR_CONDITION),
        (
            [mentor(conditions=(Condition("E11.9", 2010),)), mentor(association_id=ELSEWHERE)],
            UnmatchedReason.NO_MENTOR_FOR_CONDITION,
        ),
        ([mentor(languages=frozenset({"de"}))], UnmatchedReason.NO_SHARED_LANGUAGE),
        (
            [mentor(languages=frozenset({"de"})), mentor(availability=evenings("Asia/Tokyo"))],
            UnmatchedReason.NO_AVAILABILITY_OVERLAP,
        ),
        ([mentor(active_load=3), mentor(languages=frozenset({"de"}))], UnmatchedReason.ALL_MENTORS_FULL),
        ([mentor(paused=True)], UnmatchedReason.ALL_MENTORS_FULL),
        ([mentor()], UnmatchedReason.ALL_MENTORS_FULL),  # eligible, but the optimum gave the place to another
    ],
)
def test_the_reason_comes_from_the_mentor_who_got_furthest(mentors: list[Mentor], reason: UnmatchedReason) -> None:
    assert unmatched_reason(request(), mentors, CONFIG, now=NOW) == reason


def test_a_request_whose_only_fitting_mentor_declined_waits_for_a_place() -> None:
    mentee, helper = request(), mentor()
    excluded = frozenset({(mentee.member_id, helper.member_id)})
    assert unmatched_reason(mentee, [helper], CONFIG, now=NOW, excluded=excluded) == UnmatchedReason.ALL_MENTORS_FULL


def test_the_reasons_are_those_of_the_request_unmatched_message() -> None:
    assert {reason.value for reason in UnmatchedReason} <= set(get_args(ContractReason))


def test_a_mentor_outside_capacity_bounds_is_refused() -> None:
    with pytest.raises(ValueError, match="capacity"):
        mentor(capacity=6)
