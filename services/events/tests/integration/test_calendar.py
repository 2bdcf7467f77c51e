"""A registration's calendar file, read back by the `icalendar` parser: the right instant in the host's zone
(also on the day clocks change), the event's UID, and a cancellation that removes the entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar

from .conftest import Api


def _event(body: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(body)
    [event] = calendar.walk("VEVENT")
    return event


async def test_the_file_holds_the_right_instant_on_the_day_the_clocks_change(api: Api) -> None:
    # 28 March 2027: Paris moves from UTC+1 to UTC+2 at 02:00; the talk starts at 18:00 Paris time (16:00 UTC)
    starts_at = datetime(2027, 3, 28, 16, tzinfo=UTC)
    conference = await api.conference(
        api.member(None, "admin"),
        starts_in=starts_at - datetime.now(UTC),
        title="Moving gently: an evening with a physiotherapist",
    )
    person = api.member()
    registration = (await api.register(person, conference["conference_id"])).json()

    answer = await api.client.get(
        f"/me/registrations/{registration['registration_id']}/calendar.ics", headers=person.headers
    )

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    event = _event(answer.content)
    start = event.decoded("dtstart")
    assert start == starts_at and str(start.tzinfo) == "Europe/Paris" and start.hour == 18
    assert event.decoded("dtend") - start == timedelta(hours=1)
    assert str(event["uid"]) == f"{conference['conference_id']}@events.fellowship"
    assert (str(event["summary"]), str(event["status"]), int(event["sequence"])) == (
        "Moving gently: an evening with a physiotherapist",
        "CONFIRMED",
        0,
    )
    assert "TZID:Europe/Paris" in answer.text  # the zone's rules travel with it (VTIMEZONE)


async def test_after_cancelling_the_file_removes_the_entry_and_others_get_nothing(api: Api) -> None:
    conference = await api.conference(api.member(None, "admin"), capacity=1)
    person, waiting = api.member(), api.member()
    registration = (await api.register(person, conference["conference_id"])).json()
    in_line = (await api.register(waiting, conference["conference_id"])).json()
    url = f"/me/registrations/{registration['registration_id']}/calendar.ics"

    assert (await api.client.get(url, headers=api.member().headers)).status_code == 404
    no_place = await api.client.get(
        f"/me/registrations/{in_line['registration_id']}/calendar.ics", headers=waiting.headers
    )
    assert no_place.status_code == 409 and "no place yet" in no_place.json()["detail"]
    await api.act(person, registration["registration_id"], "cancel")

    cancelled = await api.client.get(url, headers=person.headers)

    calendar = icalendar.Calendar.from_ical(cancelled.content)
    assert str(calendar["method"]) == "CANCEL"
    event = _event(cancelled.content)
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == f"{conference['conference_id']}@events.fellowship"
