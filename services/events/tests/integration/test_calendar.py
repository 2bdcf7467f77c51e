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


async def test_a_calendar_feed_lists_the_persons_places_at_a_secret_address_that_can_be_replaced_or_turned_off(
    api: Api,
) -> None:
    host = api.member(None, "admin")
    kept = await api.conference(host, title="Sleep and pain", starts_in=timedelta(days=5))
    given_up = await api.conference(host, title="Pacing your days", starts_in=timedelta(days=6))
    person, other = api.member(host.association_id), api.member(host.association_id)
    for conference in (kept, given_up):
        await api.register(person, conference["conference_id"])
    await api.register(other, (await api.conference(host, title="Not theirs"))["conference_id"])
    leaving = next(r for r in await api.mine(person) if r["conference_id"] == given_up["conference_id"])
    await api.act(person, leaving["registration_id"], "cancel")

    assert (await api.client.get("/me/calendar-feed", headers=person.headers)).json() == {"active": False}
    token = (await api.client.post("/me/calendar-feed", headers=person.headers)).json()["token"]
    feed = await api.client.get(f"/calendar-feeds/{token}")  # a calendar app: no token of membership's
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")}
    assert set(events) == {"Sleep and pain", "Pacing your days"}
    assert str(events["Sleep and pain"]["STATUS"]) == "CONFIRMED"
    assert str(events["Pacing your days"]["STATUS"]) == "CANCELLED", "a calendar takes a given-up place out"
    assert events["Sleep and pain"].decoded("DTSTART") == datetime.fromisoformat(kept["starts_at"]).replace(
        microsecond=0
    )

    replaced = (await api.client.post("/me/calendar-feed", headers=person.headers)).json()["token"]
    assert (await api.client.get(f"/calendar-feeds/{token}")).status_code == 404
    assert (await api.client.get(f"/calendar-feeds/{replaced}")).status_code == 200
    assert (await api.client.delete("/me/calendar-feed", headers=person.headers)).status_code == 204
    gone = await api.client.get(f"/calendar-feeds/{replaced}")
    assert gone.status_code == 404 and "turned off" in gone.json()["detail"]
    stored = await api.pool.fetchval("SELECT count(*) FROM calendar_feeds WHERE token_hash::text LIKE $1", f"%{token}%")
    assert stored == 0
