"""The waitlist's rules, without a database: who gets in, who waits, who is offered a freed place and until when."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from events.domain.places import OfferRules, QuietHours, Waiting, admit, check_change, to_offer
from shared.errors import Conflict

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def test_a_free_place_is_taken_at_once_and_a_full_event_puts_people_in_line() -> None:
    assert admit(capacity=10, held=9, places=1, waiting=0).status == "registered"
    full = admit(capacity=10, held=10, places=1, waiting=3)
    assert (full.status, full.position) == ("waitlisted", 4)


def test_nobody_jumps_the_line_even_when_a_place_is_free() -> None:
    # One place is free but the first in line needs two (a companion seat): the newcomer still waits.
    assert admit(capacity=10, held=9, places=1, waiting=1).status == "waitlisted"


def test_a_companion_takes_a_second_place_and_a_group_larger_than_the_event_is_refused() -> None:
    assert admit(capacity=10, held=9, places=2, waiting=0).status == "waitlisted"
    with pytest.raises(Conflict, match="cannot fit"):
        admit(capacity=1, held=0, places=2, waiting=0)


def test_a_freed_place_goes_to_the_first_in_line_it_fits() -> None:
    pair, single, other = Waiting(uuid4(), 2), Waiting(uuid4(), 1), Waiting(uuid4(), 1)
    assert to_offer(capacity=10, held=9, line=[pair, single, other]) == [single]
    assert to_offer(capacity=10, held=8, line=[pair, single, other]) == [pair]
    assert to_offer(capacity=10, held=6, line=[pair, single, other]) == [pair, single, other]
    assert to_offer(capacity=10, held=10, line=[single]) == []


def test_an_offer_lasts_a_day_but_shrinks_as_the_start_nears() -> None:
    rules = OfferRules()
    assert rules.deadline(NOW, NOW + timedelta(days=10)) == NOW + timedelta(hours=24)
    assert rules.deadline(NOW, NOW + timedelta(hours=8)) == NOW + timedelta(hours=2)
    assert rules.deadline(NOW, NOW + timedelta(minutes=40)) == NOW + timedelta(minutes=15)
    assert rules.deadline(NOW, NOW + timedelta(minutes=10)) is None  # too near: given straight away


def test_an_offer_never_lapses_during_the_persons_quiet_hours() -> None:
    # 22:00-07:00 in Paris (UTC+1 in March): a deadline of 09:00 UTC + 15 h = 00:00 UTC = 01:00 in Paris.
    nights = QuietHours(time(22), time(7), "Europe/Paris")
    deadline = OfferRules().deadline(NOW, NOW + timedelta(hours=60), nights)
    assert deadline == datetime(2027, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Paris, when the night ends
    assert not nights.contains(deadline)


def test_quiet_hours_never_carry_an_offer_past_the_start() -> None:
    nights = QuietHours(time(22), time(7), "Europe/Paris")
    starts_at = datetime(2027, 3, 2, 3, 0, tzinfo=UTC)  # 04:00 in Paris, inside the night
    deadline = OfferRules().deadline(datetime(2027, 3, 1, 21, 0, tzinfo=UTC), starts_at, nights)
    assert deadline == starts_at - timedelta(minutes=15)


def test_quiet_hours_within_one_day() -> None:
    afternoon = QuietHours(time(13), time(15), "UTC")
    assert afternoon.contains(datetime(2027, 3, 1, 14, tzinfo=UTC))
    assert not afternoon.contains(datetime(2027, 3, 1, 15, tzinfo=UTC))
    assert afternoon.end_after(datetime(2027, 3, 1, 14, tzinfo=UTC)) == datetime(2027, 3, 1, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "wanted", "allowed"),
    [
        ("registered", "cancel", True),
        ("waitlisted", "cancel", True),
        ("offered", "accept", True),
        ("offered", "decline", True),
        ("registered", "accept", False),
        ("cancelled", "cancel", False),
        ("expired", "accept", False),
    ],
)
def test_which_changes_a_registration_allows(status: str, wanted: str, allowed: bool) -> None:
    if allowed:
        check_change(status, wanted)  # type: ignore[arg-type]
    else:
        with pytest.raises(Conflict):
            check_change(status, wanted)  # type: ignore[arg-type]


def test_a_persons_own_quiet_hours_replace_the_default_night() -> None:
    own = QuietHours.of("Europe/Paris", time(20, 0), time(11, 0))
    assert own == QuietHours(time(20, 0), time(11, 0), "Europe/Paris")
    assert QuietHours.of("Europe/Paris", None, None) == QuietHours.night("Europe/Paris")
    assert QuietHours.of(None, time(20, 0), time(11, 0)) is None, "where they live is not known: no night to keep"
    at_nine = datetime(2027, 3, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert own is not None and own.contains(at_nine) and not QuietHours.night("Europe/Paris").contains(at_nine)
