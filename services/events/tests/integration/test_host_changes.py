"""A host moves or calls off an event: each person registered, offered a place or waiting is told once, their
calendar entry follows, and the places end with a cancelled event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar

from .conftest import Api


async def test_a_reschedule_tells_everyone_and_the_calendar_entry_follows(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host, capacity=1)
    booked, waiting = api.member(), api.member()
    place = (await api.register(booked, conference["conference_id"])).json()
    await api.register(waiting, conference["conference_id"])
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)

    moved = await api.client.post(
        f"/conferences/{conference['conference_id']}/reschedule",
        json={"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=2)).isoformat()},
        headers=host.headers,
    )

    assert moved.status_code == 200 and datetime.fromisoformat(moved.json()["starts_at"]) == later
    told = await api.messages("registration.event_rescheduled")
    assert sorted(m["data"]["member_id"] for m in told) == sorted([str(booked.member_id), str(waiting.member_id)])
    assert {m["data"]["sequence"] for m in told} == {1}
    assert len(await api.messages("conference.rescheduled")) == 1
    ics = await api.client.get(f"/me/registrations/{place['registration_id']}/calendar.ics", headers=booked.headers)
    [entry] = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert entry.decoded("dtstart") == later and int(entry["sequence"]) == 1


async def test_a_cancelled_event_ends_every_place_and_tells_each_person(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host, capacity=1)
    people = [api.member() for _ in range(3)]
    for person in people:
        await api.register(person, conference["conference_id"])

    cancelled = await api.client.post(
        f"/conferences/{conference['conference_id']}/cancel",
        json={"reason": "the speaker is ill"},
        headers=host.headers,
    )

    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert await api.held(conference["conference_id"]) == 0
    assert [(await api.mine(person))[0]["status"] for person in people] == ["cancelled"] * 3
    told = await api.messages("registration.event_cancelled")
    assert sorted(m["data"]["member_id"] for m in told) == sorted(str(p.member_id) for p in people)
    late = await api.register(api.member(), conference["conference_id"])
    assert late.status_code == 409 and "cancelled" in late.json()["detail"]
    again = await api.client.post(f"/conferences/{conference['conference_id']}/cancel", json={}, headers=host.headers)
    assert again.status_code == 409


async def test_only_the_hosts_admins_change_an_event(api: Api) -> None:
    conference = await api.conference(api.member(None, "admin"))
    member = api.member()
    other_admin = api.member(None, "admin")

    for person, status in ((member, 403), (other_admin, 403)):
        answer = await api.client.post(
            f"/conferences/{conference['conference_id']}/cancel", json={}, headers=person.headers
        )
        assert answer.status_code == status, answer.text
    assert (await api.client.get(f"/conferences/{conference['conference_id']}", headers=member.headers)).json()[
        "status"
    ] == "published"
