"""When two people are both free: weekly overlap and the first common slot, in UTC, DST-correct.

Each person gives weekly windows in their own IANA time zone (`AvailabilityWindow`: weekday 0 = Monday,
`end` exclusive, `end` 00:00 = midnight). A window whose `end` is not after its `start` runs past
midnight into the next day (22:00–02:00); `start` == `end` means the whole day. Times are taken to the
minute (seconds are dropped); every time zone in use today has an offset of whole minutes, so all
instants below are whole UTC minutes and the arithmetic is exact integers.

**The reference week.** A weekly overlap is only well defined once both windows are pinned to real
dates: when Paris has moved to summer time and New York has not (or the other way round, or Sydney
moves the opposite way), the same local windows overlap differently. We measure over one concrete
week: the 7 days starting at `now`, floored to the UTC hour (`ReferenceWeek.starting(now)`). Each
window occurrence is placed on its real local date and converted with `zoneinfo`, so a week in which
only one side has changed its clocks is measured as it will actually be lived. The week ahead is the
one that matters for a proposal (it expires after 72 h, the first meeting follows), and matching is
re-solved continuously, so the figure follows the clocks as they change. Flooring to the hour keeps
the week's boundaries on the same grid as the windows (see `SlotMasks`).

Local times that do not exist (the spring-forward gap) or exist twice (the autumn fold) are read the
way `zoneinfo` reads them with `fold=0`: with the offset in force before the change.

`SlotMasks` is the vectorised form used for candidate generation: each person's free minutes of the
reference week as a bitset, so an overlap is a popcount. It gives exactly `weekly_overlap_minutes`.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from shared.contracts.membership import AvailabilityWindow

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PAIR_CHUNK = 1 << 16  # pairs per popcount batch: bounds memory whatever the slot size

Interval = tuple[int, int]  # [start, end) in whole UTC minutes since the epoch, or since a week start


@dataclass(frozen=True, slots=True)
class WeeklyAvailability:
    """A person's weekly windows and the IANA time zone they are written in."""

    time_zone: str
    windows: tuple[AvailabilityWindow, ...]
    # weekday, start minute and length in minutes of each window, flat, worked out once for the vectorised path
    minutes: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _zone(self.time_zone)  # fail early on an unknown zone
        rows = tuple(x for w in self.windows for x in (w.weekday, _minute_of_day(w.start), window_length(w)))
        object.__setattr__(self, "minutes", rows)


@dataclass(frozen=True, slots=True)
class ReferenceWeek:
    """The concrete UTC week over which weekly overlaps are measured (see the module docstring)."""

    start: datetime

    @classmethod
    def starting(cls, now: datetime) -> ReferenceWeek:
        """The 7 days from `now` floored to the UTC hour."""
        return cls(now.astimezone(UTC).replace(minute=0, second=0, microsecond=0))

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    @property
    def start_minute(self) -> int:
        return to_minute(self.start)


@dataclass(frozen=True, slots=True)
class CommonSlot:
    """A time both people are free: the UTC instant, and the same instant on each person's own clock."""

    start: datetime
    end: datetime
    first_local: datetime
    second_local: datetime

    def labels(self) -> tuple[str, str]:
        """Each person's start as 'Tuesday 19:00 (Europe/Paris)'."""
        return _label(self.first_local), _label(self.second_local)


def _label(local: datetime) -> str:
    return f"{local:%A %H:%M} ({local.tzinfo})"


def to_minute(instant: datetime) -> int:
    """Whole UTC minutes since the epoch (rounded down)."""
    return (instant - _EPOCH) // timedelta(minutes=1)


def from_minute(minute: int) -> datetime:
    return _EPOCH + timedelta(minutes=minute)


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _minute_of_day(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def window_length(window: AvailabilityWindow) -> int:
    """Minutes in the window: an `end` not after `start` runs into the next day; 00:00–00:00 is 24 h."""
    length = (_minute_of_day(window.end) - _minute_of_day(window.start)) % MINUTES_PER_DAY
    return length or MINUTES_PER_DAY


def _local_to_minute(day: date, minute_of_day: int, zone: ZoneInfo) -> int:
    # An aware datetime plus a timedelta is wall-clock arithmetic; the offset is then read with fold=0.
    return to_minute(datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minute_of_day))


def occurrences(availability: WeeklyAvailability, start: int, end: int) -> list[Interval]:
    """The person's free time within [start, end) (UTC minutes): every window on its real local dates,
    converted with zoneinfo, clipped, merged."""
    zone = _zone(availability.time_zone)
    first_day = from_minute(start).astimezone(zone).date() - timedelta(days=1)
    last_day = from_minute(end).astimezone(zone).date() + timedelta(days=1)
    found: list[Interval] = []
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        for window in availability.windows:
            if window.weekday != day.weekday():
                continue
            begin = _minute_of_day(window.start)
            lo = _local_to_minute(day, begin, zone)
            hi = _local_to_minute(day, begin + window_length(window), zone)
            lo, hi = max(lo, start), min(hi, end)
            if lo < hi:
                found.append((lo, hi))
    return merge(found)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint, non-touching union of the intervals."""
    merged: list[Interval] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """Intersection of two merged interval lists (two-pointer sweep)."""
    common: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if lo < hi:
            common.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return common


@functools.lru_cache(maxsize=65536)
def week_intervals(availability: WeeklyAvailability, week: ReferenceWeek) -> tuple[Interval, ...]:
    """The person's free time in the reference week, in minutes since the week's start."""
    start = week.start_minute
    return tuple((lo - start, hi - start) for lo, hi in occurrences(availability, start, start + MINUTES_PER_WEEK))


def weekly_overlap_minutes(a: WeeklyAvailability, b: WeeklyAvailability, now: datetime) -> int:
    """Minutes both are free in the reference week starting at `now` (see the module docstring)."""
    week = ReferenceWeek.starting(now)
    return sum(hi - lo for lo, hi in intersect(week_intervals(a, week), week_intervals(b, week)))


def first_common_slot(
    a: WeeklyAvailability,
    b: WeeklyAvailability,
    now: datetime,
    duration: timedelta = timedelta(minutes=60),
    horizon: timedelta = timedelta(days=14),
) -> CommonSlot | None:
    """The earliest `duration` from `now` (rounded up to the next quarter hour) within `horizon` when both
    are free, with each person's local time; None when there is none."""
    start = -(-to_minute(now) // 15) * 15
    end = to_minute(now + horizon)
    needed = math.ceil(duration / timedelta(minutes=1))
    for lo, hi in intersect(occurrences(a, start, end), occurrences(b, start, end)):
        if hi - lo >= needed:
            begin = from_minute(lo)
            return CommonSlot(
                start=begin,
                end=begin + timedelta(minutes=needed),
                first_local=begin.astimezone(_zone(a.time_zone)),
                second_local=begin.astimezone(_zone(b.time_zone)),
            )
    return None


@dataclass(frozen=True, slots=True)
class WeekIntervals:
    """Many people's free time in one reference week, flat: person `owner[k]` is free [start[k], end[k])
    (minutes since the week's start). Intervals of one person may touch or overlap."""

    owner: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]


@functools.lru_cache(maxsize=4096)
def _zone_clock(name: str, first: int, last: int) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """The zone's offsets between two UTC minutes: (changes, thresholds, offsets).

    `offsets[i]` holds from UTC minute `changes[i - 1]` on; a local wall minute `t` reads with
    `offsets[number of thresholds <= t]`, which is what zoneinfo does with fold=0 (the old offset
    through a gap or a fold). Offsets are sampled every 6 hours and each change found by bisection.
    """
    zone = _zone(name)

    def offset(minute: int) -> int:
        return int(from_minute(minute).astimezone(zone).utcoffset() // timedelta(minutes=1))  # type: ignore[operator]

    changes: list[int] = []
    thresholds: list[int] = []
    offsets = [offset(first)]
    before = first
    for sample in range(first + 360, last + 360, 360):
        now_offset = offset(sample)
        if now_offset != offsets[-1]:
            lo, hi = before, sample
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if offset(mid) == offsets[-1] else (lo, mid)
            changes.append(hi)
            thresholds.append(hi + max(offsets[-1], now_offset))
            offsets.append(now_offset)
        before = sample
    return tuple(changes), tuple(thresholds), tuple(offsets)


def week_interval_arrays(people: Sequence[WeeklyAvailability], week: ReferenceWeek) -> WeekIntervals:
    """Vectorised `week_intervals` for many people (unmerged, same instants)."""
    start = week.start_minute
    zones = sorted({p.time_zone for p in people})
    zone_index = {name: i for i, name in enumerate(zones)}
    clocks = [_zone_clock(name, start - 2 * MINUTES_PER_DAY, start + 9 * MINUTES_PER_DAY) for name in zones]
    width = max((len(c[1]) for c in clocks), default=0)
    thresholds = np.full((len(zones), width), np.iinfo(np.int64).max, dtype=np.int64)
    offsets = np.zeros((len(zones), width + 1), dtype=np.int64)
    mondays = np.zeros(len(zones), dtype=np.int64)
    for i, (changes, limits, offs) in enumerate(clocks):
        thresholds[i, : len(limits)] = limits
        offsets[i, : len(offs)] = offs
        local = start + offs[sum(1 for change in changes if change <= start)]
        day = local // MINUTES_PER_DAY
        mondays[i] = (day - (day + 3) % 7) * MINUTES_PER_DAY  # 1970-01-01 was a Thursday

    windows = np.array([len(p.minutes) // 3 for p in people], dtype=np.int64)
    table = np.fromiter(itertools.chain.from_iterable(p.minutes for p in people), np.int64).reshape(-1, 3)
    zone_of = np.array([zone_index[p.time_zone] for p in people], dtype=np.int64)
    owner = np.repeat(np.repeat(np.arange(len(people)), windows), 4)
    zone = zone_of[owner]
    weekday, begin, length = (np.repeat(table[:, c], 4) for c in range(3))
    # Each window on four local weeks (the one before the week's start to two after), clipped below: that
    # covers every occurrence that can touch the reference week, whatever the offset.
    week_shift = np.tile(np.arange(-1, 3, dtype=np.int64), len(table)) * MINUTES_PER_WEEK
    local_start = mondays[zone] + week_shift + weekday * MINUTES_PER_DAY + begin

    def to_utc(local: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        crossed = (local[:, None] >= thresholds[zone]).sum(axis=1)
        utc: npt.NDArray[np.int64] = local - offsets[zone, crossed] - start
        return utc

    lo = np.clip(to_utc(local_start), 0, MINUTES_PER_WEEK)
    hi = np.clip(to_utc(local_start + length), 0, MINUTES_PER_WEEK)
    keep = lo < hi
    return WeekIntervals(owner[keep], lo[keep], hi[keep])


def common_slot_minutes(*groups: WeekIntervals) -> int:
    """The largest slot length that divides every boundary of every group, and the week."""
    bounds = [np.gcd.reduce(g.start) for g in groups if len(g.start)] + [
        np.gcd.reduce(g.end) for g in groups if len(g.end)
    ]
    return int(np.gcd.reduce(np.array([*bounds, MINUTES_PER_WEEK], dtype=np.int64)))


class SlotMasks:
    """People's free time in one reference week as bitsets of equal slots, for overlaps by popcount.

    The slot length must divide every interval boundary (`common_slot_minutes`), so each slot is wholly
    free or wholly busy and the popcount is exact: hour-aligned windows in whole-hour zones give 60-minute
    slots (168 bits), half-hour zones 30, Nepal's +05:45 15.
    """

    def __init__(self, intervals: WeekIntervals, people: int, slot_minutes: int) -> None:
        if MINUTES_PER_WEEK % slot_minutes:
            raise ValueError("the slot length must divide the week")
        if (intervals.start % slot_minutes).any() or (intervals.end % slot_minutes).any():
            raise ValueError("an interval boundary falls inside a slot")
        self.slot_minutes = slot_minutes
        words = -(-MINUTES_PER_WEEK // slot_minutes // 64)
        self.bits: npt.NDArray[np.uint64] = np.zeros((people, words), dtype=np.uint64)
        first_slot, slots = intervals.start // slot_minutes, (intervals.end - intervals.start) // slot_minutes
        done = np.concatenate([[0], np.cumsum(slots)])
        cuts = np.searchsorted(done, np.arange(0, done[-1], _PAIR_CHUNK * 16), side="right") - 1
        for lo, hi in itertools.pairwise([*np.unique(cuts).tolist(), len(slots)]):
            self._set(intervals.owner[lo:hi], first_slot[lo:hi], slots[lo:hi], words)

    def _set(
        self, owner: npt.NDArray[np.int64], first_slot: npt.NDArray[np.int64], slots: npt.NDArray[np.int64], words: int
    ) -> None:
        """Set the bits of every slot of some intervals (a bounded number of slots per call)."""
        interval = np.repeat(np.arange(len(slots)), slots)
        slot = first_slot[interval] + np.arange(len(interval)) - np.repeat(np.cumsum(slots) - slots, slots)
        bit = np.left_shift(np.uint64(1), (slot % 64).astype(np.uint64))
        np.bitwise_or.at(self.bits.reshape(-1), owner[interval] * words + slot // 64, bit)

    def overlap(
        self, mine: npt.NDArray[np.intp], other: SlotMasks, theirs: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.int64]:
        """Minutes person `mine[k]` here and person `theirs[k]` in `other` are both free, for every k."""
        if other.slot_minutes != self.slot_minutes:
            raise ValueError("both masks must use the same slot length")
        minutes = np.empty(len(mine), dtype=np.int64)
        for first in range(0, len(mine), _PAIR_CHUNK):
            part = slice(first, first + _PAIR_CHUNK)
            common = np.take(self.bits, mine[part], axis=0)
            common &= np.take(other.bits, theirs[part], axis=0)
            counts = np.bitwise_count(common)
            total = counts[:, 0].astype(np.int64)
            for word in range(1, counts.shape[1]):  # column by column: much faster than sum(axis=1) on 6 columns
                total += counts[:, word]
            minutes[part] = total
        return minutes * self.slot_minutes
