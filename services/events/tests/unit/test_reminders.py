"""When reminders go out: a day and an hour before, once each, the latest only for a late registration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from events.domain.reminders import due

START = datetime(2027, 3, 28, 16, tzinfo=UTC)


def test_a_day_before_then_an_hour_before_each_once() -> None:
    assert due(START, START - timedelta(hours=30), set()) == (None, set())
    assert due(START, START - timedelta(hours=24), set()) == ("day_before", {"day_before"})
    assert due(START, START - timedelta(hours=5), {"day_before"}) == (None, set())
    assert due(START, START - timedelta(minutes=59), {"day_before"}) == ("hour_before", {"day_before", "hour_before"})
    assert due(START, START - timedelta(minutes=30), {"day_before", "hour_before"}) == (None, set())


def test_a_late_registration_gets_only_the_nearest_reminder_and_none_after_the_start() -> None:
    assert due(START, START - timedelta(minutes=30), set()) == ("hour_before", {"day_before", "hour_before"})
    assert due(START, START, set()) == (None, set())
