"""Weekly overlap and first common slot: in UTC from each side's IANA zone, on real dates, DST included.

2026 clock changes used below: New York moves forward on 8 March and back on 1 November; Paris and
London forward on 29 March and back on 25 October; Sydney back on 5 April and forward on 4 October.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.domain.availability import (
    MINUTES_PER_WEEK,
    ReferenceWeek,
    SlotMasks,
    WeeklyAvailability,
    common_slot_minutes,
    first_common_slot,
    week_interval_arrays,
    week_intervals,
    weekly_overlap_minutes,
)
from shared.contracts.membership import AvailabilityWindow

MONDAY, TUESDAY, SATURDAY, SUNDAY = 0, 1, 5, 6


def free(zone: str, *windows: tuple[int, str, str]) -> WeeklyAvailability:
    return WeeklyAvailability(
        zone,
        tuple(
            AvailabilityWindow(weekday=day, start=time.fromisoformat(start), end=time.fromisoformat(end))
            for day, start, end in windows
        ),
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


PARIS_EVENING = free("Europe/Paris", (MONDAY, "18:00", "20:00"))
NEW_YORK_AFTERNOON = free("America/New_York", (MONDAY, "13:00", "15:00"))


@pytest.mark.parametrize(
    ("now", "expected", "clocks"),
    [
        ("2026-02-02", 60, "both on standard time: Paris 17-19 UTC, New York 18-20 UTC"),
        ("2026-03-09", 120, "New York moved on 8 March, Paris not yet: both 17-19 UTC"),
        ("2026-03-25", 60, "Paris moves on Sunday 29 March, before the Monday of this week: 16-18 vs 17-19"),
        ("2026-04-06", 60, "both on summer time: Paris 16-18, New York 17-19"),
        ("2026-10-26", 120, "Paris moved back on 25 October, New York not yet: both 17-19 UTC"),
        ("2026-11-02", 60, "both back on standard time"),
    ],
)
def test_paris_and_new_york_overlap_changes_in_the_weeks_only_one_side_has_switched(
    now: str, expected: int, clocks: str
) -> None:
    assert weekly_overlap_minutes(PARIS_EVENING, NEW_YORK_AFTERNOON, utc(now)) == expected, clocks


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-03-02", 120),  # Sydney +11 (summer), London +0: Tuesday 07:00 in Sydney is Monday 20:00 UTC
        ("2026-03-30", 60),  # London on +1 since 29 March, Sydney still +11 until 5 April
        ("2026-04-13", 0),  # Sydney +10 (its winter), London +1: 21-23 vs 19-21 UTC
        ("2026-10-05", 60),  # Sydney +11 again since 4 October, London +1 until 25 October
    ],
)
def test_sydney_moves_its_clocks_the_other_way(now: str, expected: int) -> None:
    sydney = free("Australia/Sydney", (TUESDAY, "07:00", "09:00"))
    london = free("Europe/London", (MONDAY, "20:00", "22:00"))
    assert weekly_overlap_minutes(sydney, london, utc(now)) == expected


def test_a_window_ending_at_midnight_runs_to_the_end_of_the_day_and_no_further() -> None:
    late = free("Europe/Paris", (MONDAY, "22:00", "00:00"))
    now = utc("2026-02-02")
    assert weekly_overlap_minutes(late, free("Europe/Paris", (MONDAY, "23:00", "00:00")), now) == 60
    assert weekly_overlap_minutes(late, free("Europe/Paris", (TUESDAY, "00:00", "01:00")), now) == 0
    assert weekly_overlap_minutes(late, free("UTC", (MONDAY, "20:00", "00:00")), now) == 120  # 21-23 UTC


def test_a_half_hour_zone_window_lands_on_the_previous_day_in_utc() -> None:
    kolkata = free("Asia/Kolkata", (TUESDAY, "01:00", "03:00"))  # +05:30: Monday 19:30-21:30 UTC
    assert weekly_overlap_minutes(kolkata, free("UTC", (MONDAY, "20:00", "22:00")), utc("2026-02-02")) == 90


def test_a_window_crosses_midnight_into_the_next_day_in_utc() -> None:
    new_york = free("America/New_York", (MONDAY, "22:00", "23:30"))  # -05:00: Tuesday 03:00-04:30 UTC
    assert weekly_overlap_minutes(new_york, free("UTC", (TUESDAY, "03:00", "04:00")), utc("2026-02-02")) == 60


def test_a_window_whose_end_is_before_its_start_runs_past_midnight() -> None:
    night = free("UTC", (MONDAY, "22:00", "02:00"))
    assert weekly_overlap_minutes(night, free("UTC", (TUESDAY, "00:00", "01:00")), utc("2026-02-02")) == 60


def test_the_spring_forward_night_has_an_hour_less_and_the_autumn_night_an_hour_more() -> None:
    always = free("UTC", *((day, "00:00", "00:00") for day in range(7)))
    spring = free("Europe/Paris", (SUNDAY, "01:00", "04:00"))  # 02:00-03:00 does not exist on 29 March
    autumn = free("Europe/Paris", (SUNDAY, "01:00", "04:00"))  # 02:00-03:00 happens twice on 25 October
    assert weekly_overlap_minutes(spring, always, utc("2026-03-23")) == 120
    assert weekly_overlap_minutes(autumn, always, utc("2026-10-19")) == 240


def test_free_all_week_is_the_whole_week_whatever_the_clocks_do() -> None:
    always = free("Europe/Paris", *((day, "00:00", "00:00") for day in range(7)))
    for now in ("2026-02-02", "2026-03-25 13:40", "2026-10-21 08:05"):
        assert weekly_overlap_minutes(always, always, utc(now)) == MINUTES_PER_WEEK


def test_the_reference_week_starts_at_now_floored_to_the_hour() -> None:
    week = ReferenceWeek.starting(datetime.fromisoformat("2026-03-10T09:47:12+01:00"))
    assert week.start == utc("2026-03-10 08:00")
    assert week.end - week.start == timedelta(days=7)


def test_first_common_slot_gives_the_utc_start_and_each_persons_own_clock() -> None:
    slot = first_common_slot(PARIS_EVENING, NEW_YORK_AFTERNOON, utc("2026-01-31 10:00"))
    assert slot is not None
    assert slot.start == utc("2026-02-02 18:00")
    assert slot.end == utc("2026-02-02 19:00")
    assert (slot.first_local.hour, slot.first_local.utcoffset()) == (19, timedelta(hours=1))
    assert (slot.second_local.hour, slot.second_local.utcoffset()) == (13, timedelta(hours=-5))
    assert slot.labels() == ("Monday 19:00 (Europe/Paris)", "Monday 13:00 (America/New_York)")


def test_first_common_slot_starts_at_the_next_quarter_hour_and_needs_the_whole_duration() -> None:
    # At 18:07 UTC the common hour has started: 18:15-19:00 is too short, so the next Monday it is.
    slot = first_common_slot(PARIS_EVENING, NEW_YORK_AFTERNOON, utc("2026-02-02 18:07"))
    assert slot is not None and slot.start == utc("2026-02-09 18:00")
    shorter = first_common_slot(PARIS_EVENING, NEW_YORK_AFTERNOON, utc("2026-02-02 18:07"), timedelta(minutes=30))
    assert shorter is not None and shorter.start == utc("2026-02-02 18:15")


def test_first_common_slot_is_none_when_no_slot_is_long_enough_within_the_horizon() -> None:
    assert first_common_slot(PARIS_EVENING, NEW_YORK_AFTERNOON, utc("2026-01-31"), timedelta(minutes=90)) is None
    far = free("Asia/Tokyo", (MONDAY, "18:00", "20:00"))
    assert first_common_slot(PARIS_EVENING, far, utc("2026-01-31")) is None


def test_first_common_slot_in_the_week_new_york_has_switched_uses_the_longer_overlap() -> None:
    slot = first_common_slot(PARIS_EVENING, NEW_YORK_AFTERNOON, utc("2026-03-09 00:00"), timedelta(minutes=120))
    assert slot is not None and slot.start == utc("2026-03-09 17:00")
    assert slot.second_local.hour == 13 and slot.second_local.utcoffset() == timedelta(hours=-4)


ZONES = [
    "UTC",
    "Europe/Paris",
    "Europe/London",
    "America/New_York",
    "America/St_Johns",  # -03:30 / -02:30
    "Australia/Sydney",
    "Australia/Lord_Howe",  # moves by 30 minutes
    "Asia/Kolkata",
    "Asia/Kathmandu",  # +05:45
    "Pacific/Chatham",  # +12:45 / +13:45
]


@st.composite
def availabilities(draw: st.DrawFn) -> WeeklyAvailability:
    def window() -> st.SearchStrategy[AvailabilityWindow]:
        minute = st.integers(0, 95).map(lambda q: time(q // 4, q % 4 * 15))
        return st.builds(AvailabilityWindow, weekday=st.integers(0, 6), start=minute, end=minute)

    return WeeklyAvailability(draw(st.sampled_from(ZONES)), tuple(draw(st.lists(window(), max_size=4))))


instants = st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31)).map(lambda d: d.replace(tzinfo=UTC))


@settings(max_examples=150, deadline=None)
@given(st.lists(availabilities(), min_size=2, max_size=6), instants)
def test_the_popcount_masks_give_exactly_the_interval_overlap(people: list[WeeklyAvailability], now: datetime) -> None:
    week = ReferenceWeek.starting(now)
    intervals = week_interval_arrays(people, week)
    masks = SlotMasks(intervals, len(people), common_slot_minutes(intervals))
    mine, theirs = np.repeat(np.arange(len(people)), len(people)), np.tile(np.arange(len(people)), len(people))
    overlaps = masks.overlap(mine, masks, theirs)
    for k, (i, j) in enumerate(zip(mine.tolist(), theirs.tolist(), strict=True)):
        assert overlaps[k] == weekly_overlap_minutes(people[i], people[j], now)
    for i, person in enumerate(people):
        assert overlaps[i * len(people) + i] == sum(hi - lo for lo, hi in week_intervals(person, week))


@settings(max_examples=100, deadline=None)
@given(availabilities(), availabilities(), instants)
def test_overlap_is_symmetric_and_bounded_by_each_side(
    a: WeeklyAvailability, b: WeeklyAvailability, now: datetime
) -> None:
    overlap = weekly_overlap_minutes(a, b, now)
    assert overlap == weekly_overlap_minutes(b, a, now)
    assert 0 <= overlap <= min(weekly_overlap_minutes(a, a, now), weekly_overlap_minutes(b, b, now))


@settings(max_examples=100, deadline=None)
@given(availabilities(), availabilities(), instants)
def test_the_first_common_slot_is_the_earliest_free_hour_on_the_quarter_hour(
    a: WeeklyAvailability, b: WeeklyAvailability, now: datetime
) -> None:
    horizon = timedelta(days=6)
    slot = first_common_slot(a, b, now, horizon=horizon)

    # Brute force on a minute timeline built by the vectorised path (its own DST arithmetic).
    week = ReferenceWeek.starting(now)
    intervals = week_interval_arrays([a, b], week)
    timeline = np.zeros((2, MINUTES_PER_WEEK), dtype=np.bool_)
    for owner, lo, hi in zip(intervals.owner.tolist(), intervals.start.tolist(), intervals.end.tolist(), strict=True):
        timeline[owner, lo:hi] = True
    both = timeline[0] & timeline[1]
    first = -(-int((now - week.start) / timedelta(minutes=1)) // 15) * 15
    last = int((now + horizon - week.start) / timedelta(minutes=1)) - 60
    starts = [m for m in range(first, last + 1, 15) if both[m : m + 60].all()]
    expected = week.start + timedelta(minutes=starts[0]) if starts else None
    assert (slot.start if slot else None) == expected


def test_odd_minutes_give_one_minute_slots_and_still_the_exact_overlap() -> None:
    people = [
        free("Asia/Kathmandu", (MONDAY, "18:07", "19:13"), (SUNDAY, "23:59", "00:00")),
        free("Europe/Paris", (MONDAY, "13:30", "14:01"), (MONDAY, "14:00", "15:00")),
        free("America/St_Johns", (MONDAY, "08:00", "09:17")),
    ]
    now = utc("2026-03-25 10:00")
    intervals = week_interval_arrays(people, ReferenceWeek.starting(now))
    slot = common_slot_minutes(intervals)
    assert slot == 1
    masks = SlotMasks(intervals, len(people), slot)
    mine, theirs = np.array([0, 0, 1, 1]), np.array([1, 2, 2, 1])
    assert masks.overlap(mine, masks, theirs).tolist() == [
        weekly_overlap_minutes(people[i], people[j], now) for i, j in zip(mine, theirs, strict=True)
    ]
    assert weekly_overlap_minutes(people[1], people[1], now) == 90  # 13:30-14:01 and 14:00-15:00 merge
