"""Registration and the waitlist on a real PostgreSQL, over the HTTP API: never over-booked, a freed place
offered at once to the next in line, an offer not taken passed on, and each change announced once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from events.service_layer.members import apply_member_message, apply_preference_message
from events.service_layer.registrations import expire_due_offers
from shared.contracts.membership import MemberErased, MemberJoined
from shared.contracts.notifications import QuietHoursChanged
from shared.testing.tokens import Member

from .conftest import Api


async def test_fifty_people_at_once_for_ten_places_never_over_book(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host, capacity=10)
    people = [api.member() for _ in range(50)]

    answers = await asyncio.gather(*(api.register(person, conference["conference_id"]) for person in people))

    assert all(answer.status_code == 201 for answer in answers), [a.text for a in answers if a.status_code != 201]
    statuses = [answer.json()["status"] for answer in answers]
    assert statuses.count("registered") == 10
    assert statuses.count("waitlisted") == 40
    assert sorted(a.json()["position"] for a in answers if a.json()["status"] == "waitlisted") == list(range(1, 41))
    assert await api.held(conference["conference_id"]) == 10
    assert len(await api.messages("registration.confirmed")) == 10
    assert len(await api.messages("registration.waitlisted")) == 40


async def test_a_cancellation_offers_the_place_at_once_to_the_first_in_line(api: Api) -> None:
    conference = await api.conference(api.member(None, "admin"), capacity=1)
    first, second, third = api.member(), api.member(), api.member()
    taken = (await api.register(first, conference["conference_id"])).json()
    await api.register(second, conference["conference_id"])
    await api.register(third, conference["conference_id"])

    cancelled = await api.act(first, taken["registration_id"], "cancel")

    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    [offer] = await api.mine(second)
    assert offer["status"] == "offered"
    deadline = datetime.fromisoformat(offer["offer_expires_at"])
    assert timedelta(hours=23, minutes=59) < deadline - datetime.now(UTC) <= timedelta(hours=24)
    assert (await api.mine(third))[0]["position"] == 1
    [offered] = await api.messages("registration.place_offered")
    assert offered["data"]["member_id"] == str(second.member_id) and offered["subject"] == conference["conference_id"]
    assert await api.held(conference["conference_id"]) == 1

    accepted = await api.act(second, offer["registration_id"], "accept")

    assert accepted.status_code == 200 and accepted.json()["status"] == "registered"
    assert [m["data"]["member_id"] for m in await api.messages("registration.confirmed")] == [
        str(first.member_id),
        str(second.member_id),
    ]


async def test_an_offer_not_taken_in_time_passes_to_the_next_person(api: Api) -> None:
    conference = await api.conference(api.member(None, "admin"), capacity=1)
    first, second, third = api.member(), api.member(), api.member()
    taken = (await api.register(first, conference["conference_id"])).json()
    await api.register(second, conference["conference_id"])
    await api.register(third, conference["conference_id"])
    await api.act(first, taken["registration_id"], "cancel")
    [offer] = await api.mine(second)

    assert await expire_due_offers(api.pool) == 0  # not yet due
    later = datetime.fromisoformat(offer["offer_expires_at"]) + timedelta(seconds=1)
    assert await expire_due_offers(api.pool, clock=lambda: later) == 1

    assert (await api.mine(second))[0]["status"] == "expired"
    assert (await api.mine(third))[0]["status"] == "offered"
    assert len(await api.messages("registration.offer_expired")) == 1
    assert await api.held(conference["conference_id"]) == 1
    too_late = await api.act(second, offer["registration_id"], "accept")
    assert too_late.status_code == 409 and "expired" in too_late.json()["detail"]


async def test_declining_an_offer_passes_it_on_and_the_line_moves_up(api: Api) -> None:
    conference = await api.conference(api.member(None, "admin"), capacity=1)
    people = [api.member() for _ in range(4)]
    registrations = [(await api.register(person, conference["conference_id"])).json() for person in people]
    await api.act(people[0], registrations[0]["registration_id"], "cancel")

    declined = await api.act(people[1], registrations[1]["registration_id"], "decline")

    assert declined.status_code == 200 and declined.json()["status"] == "cancelled"
    assert (await api.mine(people[2]))[0]["status"] == "offered"
    assert (await api.mine(people[3]))[0]["position"] == 1


async def test_a_single_freed_place_goes_to_the_first_in_line_it_fits(api: Api) -> None:
    conference = await api.conference(api.member(None, "admin"), capacity=2)
    alone, with_companion, next_alone = api.member(), api.member(), api.member()
    first = (await api.register(alone, conference["conference_id"])).json()
    await api.register(api.member(), conference["conference_id"])
    pair = (await api.register(with_companion, conference["conference_id"], companion=True)).json()
    assert (pair["status"], pair["places"], pair["position"]) == ("waitlisted", 2, 1)
    await api.register(next_alone, conference["conference_id"])

    await api.act(alone, first["registration_id"], "cancel")

    assert (await api.mine(next_alone))[0]["status"] == "offered"
    assert (await api.mine(with_companion))[0]["position"] == 1  # still first in line for two places
    assert await api.held(conference["conference_id"]) == 2


async def test_near_the_start_a_freed_place_is_given_outright(api: Api) -> None:
    conference = await api.conference(api.member(None, "admin"), capacity=1, starts_in=timedelta(minutes=10))
    first, second = api.member(), api.member()
    taken = (await api.register(first, conference["conference_id"])).json()
    await api.register(second, conference["conference_id"])

    await api.act(first, taken["registration_id"], "cancel")

    assert (await api.mine(second))[0]["status"] == "registered"


async def test_mistakes_get_clear_answers(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host)
    person = api.member()
    registration = (await api.register(person, conference["conference_id"])).json()

    twice = await api.register(person, conference["conference_id"])
    assert twice.status_code == 409 and "already registered" in twice.json()["detail"]
    someone_else = await api.act(api.member(), registration["registration_id"], "cancel")
    assert someone_else.status_code == 404
    not_offered = await api.act(person, registration["registration_id"], "accept")
    assert not_offered.status_code == 409 and "only an offered place" in not_offered.json()["detail"]
    nowhere = await api.register(person, str(uuid4()))
    assert nowhere.status_code == 404
    await api.act(person, registration["registration_id"], "cancel")
    again = await api.act(person, registration["registration_id"], "cancel")
    assert again.status_code == 409 and "cancelled" in again.json()["detail"]


async def test_only_admins_create_and_drafts_stay_hidden_and_closed(api: Api) -> None:
    host = api.member(None, "admin")
    draft = await api.conference(host, publish=False)
    member_of_host = api.member(host.association_id)

    refused = await api.client.post(
        "/conferences/",
        json={**_body(host), "association_id": str(host.association_id)},
        headers=member_of_host.headers,
    )
    assert refused.status_code == 403 and "admin" in refused.json()["detail"]
    hidden = await api.client.get(f"/conferences/{draft['conference_id']}", headers=member_of_host.headers)
    assert hidden.status_code == 404
    closed = await api.register(member_of_host, draft["conference_id"])
    assert closed.status_code == 409 and "draft" in closed.json()["detail"]
    upcoming = await api.client.get("/conferences/", headers=member_of_host.headers)
    assert draft["conference_id"] not in {c["conference_id"] for c in upcoming.json()}


async def test_bad_input_says_what_is_wrong(api: Api) -> None:
    host = api.member(None, "admin")
    cases = {
        "time_zone": ("Mars/Olympus", "IANA time zone"),
        "conditions": (["migraine"], "ICD-10"),
        "capacity": (0, "capacity"),
        "ends_at": ("2020-01-01T00:00:00+00:00", "ends_at must be after starts_at"),
    }
    for field, (value, words) in cases.items():
        answer = await api.client.post("/conferences/", json={**_body(host), field: value}, headers=host.headers)
        assert answer.status_code == 400, (field, answer.text)
        assert words in answer.text, (field, answer.text)


def _body(host: Member) -> dict[str, object]:
    starts_at = datetime.now(UTC) + timedelta(days=3)
    return {
        "association_id": str(host.association_id),
        "title": "Caregivers' circle",
        "kind": "circle",
        "languages": ["fr"],
        "audience": ["caregivers"],
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(hours=1)).isoformat(),
        "time_zone": "Europe/Paris",
        "capacity": 8,
    }


async def test_an_erased_persons_place_goes_to_the_next_and_nothing_of_them_stays(api: Api) -> None:
    conference = await api.conference(api.member(None, "admin"), capacity=1)
    erased, waiting = api.member(), api.member()
    await api.register(erased, conference["conference_id"])
    await api.register(waiting, conference["conference_id"])
    assert await api.messages("registration.confirmed")

    async with api.pool.acquire() as conn, conn.transaction():
        await apply_member_message(conn, MemberErased(member_id=erased.member_id, association_id=erased.association_id))

    assert (await api.mine(waiting))[0]["status"] == "offered"
    assert await api.mine(erased) == []
    assert await api.held(conference["conference_id"]) == 1
    assert not [m for m in await api.messages() if m["data"].get("member_id") == str(erased.member_id)]


def zone_where_it_is(hour: int, at: datetime) -> str:
    """An IANA zone (Etc/GMT±N: UTC∓N) where the local time at `at` is `hour` o'clock."""
    offset = ((hour - at.astimezone(UTC).hour + 12) % 24) - 12  # local = UTC + offset
    return "Etc/UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


async def test_an_offer_never_lapses_in_the_night_of_the_person_it_is_for(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host, capacity=1)  # in ten days: an offer lasts 24 h
    holder, sleeper = api.member(host.association_id), api.member(host.association_id)
    deadline = datetime.now(UTC) + timedelta(hours=24)
    zone = zone_where_it_is(3, deadline)  # 24 h from now it is 3 at night where the sleeper lives
    async with api.pool.acquire() as conn, conn.transaction():
        joined = MemberJoined(member_id=sleeper.member_id, association_id=host.association_id, time_zone=zone)
        await apply_member_message(conn, joined)
    taken = (await api.register(holder, conference["conference_id"])).json()
    await api.register(sleeper, conference["conference_id"])

    await api.act(holder, taken["registration_id"], "cancel")

    [offer] = await api.mine(sleeper)
    lapses = datetime.fromisoformat(offer["offer_expires_at"]).astimezone(ZoneInfo(zone))
    assert (lapses.hour, lapses.minute) == (8, 0), f"the offer lapses at {lapses} in {zone}: in their night"
    assert timedelta(hours=28) < lapses - datetime.now(UTC) < timedelta(hours=30)


async def test_an_offer_is_never_due_in_the_quiet_hours_the_person_set_in_notifications(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host, capacity=1)  # in ten days: an offer lasts 24 h
    holder, early_sleeper = api.member(host.association_id), api.member(host.association_id)
    zone = zone_where_it_is(21, datetime.now(UTC) + timedelta(hours=24))  # 21:00 there: not the default night
    joined = MemberJoined(member_id=early_sleeper.member_id, association_id=host.association_id, time_zone=zone)
    quiet = QuietHoursChanged(member_id=early_sleeper.member_id, starts_at=time(20, 0), ends_at=time(11, 0))
    async with api.pool.acquire() as conn, conn.transaction():
        await apply_member_message(conn, joined)
        await apply_preference_message(conn, quiet)
    taken = (await api.register(holder, conference["conference_id"])).json()
    await api.register(early_sleeper, conference["conference_id"])

    await api.act(holder, taken["registration_id"], "cancel")

    [offer] = await api.mine(early_sleeper)
    lapses = datetime.fromisoformat(offer["offer_expires_at"]).astimezone(ZoneInfo(zone))
    assert (lapses.hour, lapses.minute) == (11, 0), f"the offer lapses at {lapses}: inside their quiet hours"
