"""A circle's rules over its weeks, without a database: people may join until the last meeting starts, each
meeting has its own window to join, and its times move only before it begins."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from events.domain.conferences import Conference
from shared.errors import Conflict

PARIS = ZoneInfo("Europe/Paris")
FIRST = datetime(2027, 3, 23, 18, 0, tzinfo=PARIS)  # clocks go forward on Sunday 28 March


def _circle(meetings: int = 3) -> Conference:
    return Conference(
        conference_id=uuid4(),
        association_id=uuid4(),
        kind="circle",
        status="published",
        title="Carers' circle",
        description="",
        languages=["fr"],
        audience=["caregivers"],
        conditions=[],
        accessibility=[],
        starts_at=FIRST,
        ends_at=FIRST + timedelta(minutes=90),
        time_zone="Europe/Paris",
        capacity=8,
        held=0,
        sequence=0,
        co_hosts=[],
        meetings=meetings,
    )


def test_people_may_join_a_circle_under_way_until_its_last_meeting_starts() -> None:
    circle = _circle()
    last = circle.schedule[-1]
    assert last.starts_at.astimezone(PARIS).hour == 18, "18:00 after the clocks change too"
    circle.check_open(FIRST + timedelta(days=1))  # after the first meeting: still open
    assert circle.next_meeting(FIRST + timedelta(days=1)) == circle.schedule[1]
    with pytest.raises(Conflict, match="registration is closed"):
        circle.check_open(last.starts_at)
    assert circle.next_meeting(last.starts_at) is None


def test_each_meeting_has_its_own_window_to_join() -> None:
    circle = _circle()
    second = circle.schedule[1]
    assert circle.check_joinable(second.starts_at - timedelta(minutes=29)) == second
    assert circle.check_joinable(second.ends_at - timedelta(minutes=1)) == second
    between = second.ends_at + timedelta(days=1)
    with pytest.raises(Conflict, match="the link to join is shown from"):
        circle.check_joinable(between)
    with pytest.raises(Conflict, match="has ended"):
        circle.check_joinable(circle.over_at)


def test_a_circle_under_way_can_be_called_off_or_changed_but_not_moved() -> None:
    circle = _circle()
    under_way = FIRST + timedelta(days=2)
    circle.check_changeable(under_way, "cancelled")
    with pytest.raises(Conflict, match="its times can no longer be moved"):
        circle.check_movable(under_way)
    circle.check_movable(FIRST - timedelta(days=1))
    with pytest.raises(Conflict, match="has not ended"):
        circle.check_ended(under_way, "feedback")
    circle.check_ended(circle.over_at, "feedback")
