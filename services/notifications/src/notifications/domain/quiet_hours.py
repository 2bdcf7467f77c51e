"""Quiet hours: a daily window in the member's own time zone when non-urgent e-mail waits.

A window whose start is after its end spans midnight (22:00-07:00). Times are computed with zoneinfo,
so a window keeps its local times across daylight-saving changes; a local end time that does not
exist that day (the clocks jumped over it) is read with the offset before the jump (02:30 on the night
Paris moves to summer time is 01:30 UTC, i.e. 03:30 summer time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class QuietHours:
    starts_at: time
    ends_at: time


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone, or UTC when it is unknown or missing."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def window_end(quiet: QuietHours, time_zone: str | None, now: datetime) -> datetime | None:
    """When `now` falls inside the window, the UTC instant the window ends; otherwise None."""
    tz = zone(time_zone)
    local = now.astimezone(tz)
    clock, today = local.time().replace(tzinfo=None), local.date()
    start, end = quiet.starts_at, quiet.ends_at
    if start < end:
        inside, end_day = start <= clock < end, today
    elif clock >= start:
        inside, end_day = True, today + timedelta(days=1)
    else:
        inside, end_day = clock < end, today
    return _utc(end_day, end, tz) if inside else None


def _utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
