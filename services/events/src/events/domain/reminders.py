"""Reminders before an event: a day before and an hour before its start, each sent once to each person
holding a place. Someone who registers late gets only the latest one that applies (registering 30 minutes
before, they get the hour's reminder, not a day's); nobody is reminded once the event has started."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

Which = Literal["day_before", "hour_before"]
LEADS: dict[Which, timedelta] = {"day_before": timedelta(hours=24), "hour_before": timedelta(hours=1)}
FURTHEST = max(LEADS.values())


def passed(starts_at: datetime, now: datetime) -> set[Which]:
    """The reminders whose moment before `starts_at` has come by `now`."""
    return {which for which, lead in LEADS.items() if starts_at - lead <= now}


def due(starts_at: datetime, now: datetime, sent: set[str]) -> tuple[Which | None, set[Which]]:
    """The reminder to send now (if any), and every reminder to count as sent after it."""
    if now >= starts_at:
        return None, set()
    come = passed(starts_at, now)
    unsent = come - sent
    if not unsent:
        return None, set()
    latest = min(unsent, key=lambda which: LEADS[which])  # the nearest to the start
    return latest, come
