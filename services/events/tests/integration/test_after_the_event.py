"""After the event, on a real PostgreSQL through events' HTTP API: the hosts publish the recording and slides
once it has ended; everyone who had a place is told (whether they came or not), nobody who only waited; they
read the materials and give their feedback once; the hosts' figures count it, with their members' comments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from events.service_layer.registrations import mark_held
from shared.testing.tokens import Member

from .conftest import Api


async def has_ended(api: Api, conference: dict[str, Any]) -> None:
    """The hour passes (the event's times moved back: the clock of a test cannot wait)."""
    await api.pool.execute(
        "WITH moved AS (UPDATE meetings SET starts_at = now() - interval '2 hours',"
        " ends_at = now() - interval '1 hour' WHERE conference_id = $1)"
        " UPDATE conferences SET starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour'"
        " WHERE conference_id = $1",
        UUID(conference["conference_id"]),
    )


async def place_of(api: Api, person: Member) -> str:
    (registration,) = await api.mine(person)
    return str(registration["registration_id"])


async def test_materials_go_to_everyone_who_had_a_place_and_feedback_is_counted_once(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host, starts_in=timedelta(minutes=10), capacity=2)
    came, missed, waited = (api.member(host.association_id) for _ in range(3))
    for person in (came, missed, waited):
        await api.register(person, conference["conference_id"])
    link = f"/conferences/{conference['conference_id']}/join-link"
    await api.client.put(link, json={"url": "https://meet.example/a"}, headers=host.headers)
    await api.client.post(f"/me/registrations/{await place_of(api, came)}/join", headers=came.headers)
    materials = f"/conferences/{conference['conference_id']}/materials"
    body = {"recording_url": "https://video.example/rec", "slides_url": "https://files.example/slides.pdf"}

    early = await api.client.post(materials, json=body, headers=host.headers)
    assert early.status_code == 409 and "not ended" in early.json()["detail"]
    feedback = f"/me/registrations/{await place_of(api, came)}/feedback"
    assert (await api.client.post(feedback, json={"rating": 5}, headers=came.headers)).status_code == 409

    await has_ended(api, conference)
    assert (await api.client.post(materials, json=body, headers=came.headers)).status_code == 403
    bad = await api.client.post(materials, json={"recording_url": "http://insecure.example"}, headers=host.headers)
    assert bad.status_code == 400
    published = await api.client.post(materials, json=body, headers=host.headers)
    assert published.status_code == 200 and published.json()["status"] == "materials_published"
    told = {
        m["data"]["member_id"]: m["data"]["attended"] for m in await api.messages("registration.materials_available")
    }
    assert told == {str(came.member_id): True, str(missed.member_id): False}
    assert len(await api.messages("conference.held")) == 1, "over before the sweeper came: held on the way"

    read = await api.client.get(f"/me/registrations/{await place_of(api, missed)}/materials", headers=missed.headers)
    assert read.json() == {**body, "feedback_given": False}
    refused = await api.client.get(f"/me/registrations/{await place_of(api, waited)}/materials", headers=waited.headers)
    assert refused.status_code == 403

    assert (await api.client.post(feedback, json={"rating": 6}, headers=came.headers)).status_code == 400
    given = await api.client.post(feedback, json={"rating": 5, "comment": "Clear and\nkind."}, headers=came.headers)
    assert given.status_code == 204, given.text
    assert (await api.client.post(feedback, json={"rating": 1}, headers=came.headers)).status_code == 409
    other = f"/me/registrations/{await place_of(api, missed)}/feedback"
    assert (await api.client.post(other, json={"rating": 3}, headers=missed.headers)).status_code == 204

    figures = (
        await api.client.get(f"/conferences/{conference['conference_id']}/registrants", headers=host.headers)
    ).json()
    assert figures["yours"]["answers"] == 2 and figures["yours"]["average_rating"] == 4.0
    assert figures["yours"]["attended"] == 1 and figures["comments"] == ["Clear and kind."]


async def test_once_over_an_event_is_held_and_those_who_joined_are_asked_for_feedback_once(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host, starts_in=timedelta(minutes=10), capacity=5)
    came, missed = api.member(host.association_id), api.member(host.association_id)
    for person in (came, missed):
        await api.register(person, conference["conference_id"])
    link = f"/conferences/{conference['conference_id']}/join-link"
    await api.client.put(link, json={"url": "https://meet.example/a"}, headers=host.headers)
    await api.client.post(f"/me/registrations/{await place_of(api, came)}/join", headers=came.headers)
    assert await mark_held(api.pool) == 0, "not over yet"

    await has_ended(api, conference)
    assert await mark_held(api.pool) == 1
    assert await mark_held(api.pool) == 0, "held once"
    read = await api.client.get(f"/conferences/{conference['conference_id']}", headers=host.headers)
    assert read.json()["status"] == "held"
    (held,) = await api.messages("conference.held")
    assert held["data"]["attended"] == 1
    asked = [m["data"]["member_id"] for m in await api.messages("registration.feedback_requested")]
    assert asked == [str(came.member_id)], "only those who joined are asked how it was"

    body = {"recording_url": "https://video.example/rec"}
    materials = f"/conferences/{conference['conference_id']}/materials"
    published = await api.client.post(materials, json=body, headers=host.headers)
    assert published.status_code == 200 and published.json()["status"] == "materials_published"
