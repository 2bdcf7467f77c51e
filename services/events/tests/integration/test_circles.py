"""Peer support circles on a real PostgreSQL: a circle meets weekly at the same local time across a
daylight-saving change; people join the circle once and may skip a meeting, which takes it out of their
reminders and their calendar; calendars read by the `icalendar` package see the same meetings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar

from events.service_layer.registrations import send_due_reminders
from shared.testing.tokens import Member

from .conftest import Api

PARIS = ZoneInfo("Europe/Paris")
# Tuesdays at 18:00 in Paris from 19 October 2027; clocks go back on Sunday 31 October (UTC+2 → UTC+1).
FIRST = datetime(2027, 10, 19, 18, 0, tzinfo=PARIS)


async def _circle(api: Api, host: Member, meetings: int = 4, **fields: Any) -> dict[str, Any]:
    return await api.conference(
        host,
        kind="circle",
        title="Newly diagnosed: a weekly circle",
        meetings=meetings,
        starts_at=FIRST.isoformat(),
        ends_at=(FIRST + timedelta(hours=1)).isoformat(),
        capacity=8,
        **fields,
    )


def _meetings_of(ics: bytes) -> list[datetime]:
    """The meetings a calendar app shows for the file's one event: its RRULE expanded, less its EXDATEs."""
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    start = event.decoded("dtstart")
    rule = event.get("rrule")
    if rule is None:
        return [start]
    skipped = event.get("exdate") or []
    skipped = [when.dt for group in (skipped if isinstance(skipped, list) else [skipped]) for when in group.dts]
    return [when for when in rrulestr(rule.to_ical().decode(), dtstart=start) if when not in skipped]


async def test_a_circle_meets_every_week_at_the_same_local_time_across_the_change_of_clocks(api: Api) -> None:
    circle = await _circle(api, api.member(None, "admin"))

    starts = [datetime.fromisoformat(m["starts_at"]) for m in circle["meetings"]]
    assert [(s.astimezone(PARIS).strftime("%a %d %H:%M")) for s in starts] == [
        "Tue 19 18:00",
        "Tue 26 18:00",
        "Tue 02 18:00",
        "Tue 09 18:00",
    ]
    assert [s.astimezone(UTC).hour for s in starts] == [16, 16, 17, 17], "the instant moves with the clocks"
    assert all(
        datetime.fromisoformat(m["ends_at"]) - datetime.fromisoformat(m["starts_at"]) == timedelta(hours=1)
        for m in circle["meetings"]
    )

    person = api.member()
    registration = (await api.register(person, circle["conference_id"])).json()
    assert registration["status"] == "registered"
    (confirmed,) = await api.messages("registration.confirmed")
    assert confirmed["data"]["meetings"] == 4, "notifications' calendar file repeats it too"

    ics = await api.client.get(
        f"/me/registrations/{registration['registration_id']}/calendar.ics", headers=person.headers
    )
    assert ics.status_code == 200, ics.text
    assert _meetings_of(ics.content) == starts, "a calendar app shows the same four meetings, at the same instants"


async def test_skipping_a_meeting_keeps_the_place_and_takes_the_meeting_out_of_reminders_and_calendar(
    api: Api,
) -> None:
    host = api.member(None, "admin")
    circle = await _circle(api, host, meetings=3)
    starts = [datetime.fromisoformat(m["starts_at"]) for m in circle["meetings"]]
    person = api.member(host.association_id)
    registration = (await api.register(person, circle["conference_id"])).json()
    rid = registration["registration_id"]

    skipped = await api.client.put(f"/me/registrations/{rid}/skipped/1", headers=person.headers)
    assert skipped.status_code == 200, skipped.text
    assert (skipped.json()["status"], skipped.json()["skipped"]) == ("registered", [1])

    ics = await api.client.get(f"/me/registrations/{rid}/calendar.ics", headers=person.headers)
    assert _meetings_of(ics.content) == [starts[0], starts[2]]

    for start in starts:  # each meeting's day and hour before, and a sweep in between that sends nothing
        for before in (timedelta(hours=23), timedelta(hours=12), timedelta(minutes=50)):
            await send_due_reminders(api.pool, clock=lambda m=start - before: m)
    sent = [m["data"] for m in await api.messages("registration.reminder")]
    assert [(m["meeting"], m["which"], datetime.fromisoformat(m["starts_at"])) for m in sent] == [
        (0, "day_before", starts[0]),
        (0, "hour_before", starts[0]),
        (2, "day_before", starts[2]),
        (2, "hour_before", starts[2]),
    ], "each meeting reminded once, in its own time, and none for the skipped one"

    registrants = await api.client.get(f"/conferences/{circle['conference_id']}/registrants", headers=host.headers)
    assert registrants.status_code == 200, registrants.text
    assert registrants.json()["registrants"][0]["skipped"] == [1], "the facilitator knows who will not come"
    back = await api.client.delete(f"/me/registrations/{rid}/skipped/1", headers=person.headers)
    assert (back.status_code, back.json()["skipped"]) == (200, [])


async def test_skipping_is_refused_clearly_where_it_makes_no_sense(api: Api) -> None:
    host = api.member(None, "admin")
    circle, conference = await _circle(api, host, meetings=2), await api.conference(host)
    person, waiting = api.member(), api.member()
    in_circle = (await api.register(person, circle["conference_id"])).json()["registration_id"]
    at_conference = (await api.register(person, conference["conference_id"])).json()["registration_id"]

    for rid, number, says in [
        (at_conference, 0, "a conference meets once"),
        (in_circle, 2, "there is no meeting 2"),
    ]:
        refused = await api.client.put(f"/me/registrations/{rid}/skipped/{number}", headers=person.headers)
        assert refused.status_code == 409, refused.text
        assert says in refused.json()["detail"]
    other = await api.client.put(f"/me/registrations/{in_circle}/skipped/0", headers=waiting.headers)
    assert other.status_code == 404, "nobody skips for someone else"


async def test_a_conference_cannot_be_given_several_meetings(api: Api) -> None:
    host = api.member(None, "admin")
    starts_at = datetime.now(UTC) + timedelta(days=3)
    refused = await api.client.post(
        "/conferences/",
        json={
            "association_id": str(host.association_id),
            "kind": "conference",
            "title": "A talk",
            "languages": ["en"],
            "audience": ["patients"],
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=1)).isoformat(),
            "time_zone": "Europe/Paris",
            "capacity": 10,
            "meetings": 3,
        },
        headers=host.headers,
    )
    assert refused.status_code == 400, refused.text
    assert "only a circle has several meetings" in refused.text
