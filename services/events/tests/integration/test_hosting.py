"""Hosting, on a real PostgreSQL through events' HTTP API: a co-hosted event where each host's admins see only
their own members' registrations while the figures roll up (registered, waiting, promoted from the line,
attended); the join link, shown only to people with a place from 30 minutes before the start, counts as
attendance; drafts are listed for the host's admins only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from events.service_layer.members import apply_member_message
from shared.contracts.membership import MemberJoined
from shared.testing.tokens import Member

from .conftest import Api


async def registrants(api: Api, admin: Member, conference: dict[str, Any]) -> Any:
    return await api.client.get(f"/conferences/{conference['conference_id']}/registrants", headers=admin.headers)


async def test_co_hosts_see_their_own_registrants_and_the_figures_roll_up(api: Api) -> None:
    first, second = api.member(None, "admin"), api.member(None, "admin")
    conference = await api.conference(first, capacity=2)
    added = await api.client.post(
        f"/conferences/{conference['conference_id']}/co-hosts",
        json={"association_id": str(second.association_id)},
        headers=first.headers,
    )
    assert added.status_code == 200 and added.json()["co_hosts"] == [str(second.association_id)]
    again = await api.client.post(
        f"/conferences/{conference['conference_id']}/co-hosts",
        json={"association_id": str(uuid4())},
        headers=second.headers,
    )
    assert again.status_code == 403, "only the first host's admins add co-hosts"

    ours = [api.member(first.association_id) for _ in range(2)]
    theirs = api.member(second.association_id)
    for person in (*ours, theirs):
        assert (await api.register(person, conference["conference_id"])).status_code == 201
    (leaving,) = await api.mine(ours[0])
    await api.act(ours[0], leaving["registration_id"], "cancel")
    (offered,) = await api.mine(theirs)
    assert offered["status"] == "offered"
    await api.act(theirs, offered["registration_id"], "accept")

    mine = (await registrants(api, first, conference)).json()
    assert {r["member_id"] for r in mine["registrants"]} == {str(p.member_id) for p in ours}
    assert mine["yours"] == {
        "registered": 1,
        "waitlisted": 0,
        "offered": 0,
        "gave_up": 1,
        "promoted": 0,
        "attended": 0,
        "answers": 0,
        "average_rating": None,
    }
    assert mine["all_hosts"]["registered"] == 2 and mine["all_hosts"]["promoted"] == 1
    other = (await registrants(api, second, conference)).json()
    assert [r["member_id"] for r in other["registrants"]] == [str(theirs.member_id)]
    assert other["yours"]["promoted"] == 1
    assert (await registrants(api, ours[1], conference)).status_code == 403


async def test_the_join_link_is_shown_to_people_with_a_place_shortly_before_and_counts_as_attendance(api: Api) -> None:
    host = api.member(None, "admin")
    soon = await api.conference(host, starts_in=timedelta(minutes=10), capacity=1)
    later = await api.conference(host, starts_in=timedelta(days=3))
    person, waiting = api.member(host.association_id), api.member(host.association_id)
    for conference in (soon, later):
        await api.register(person, conference["conference_id"])
    await api.register(waiting, soon["conference_id"])
    places = {r["conference_id"]: r["registration_id"] for r in await api.mine(person)}

    async def join(who: Member, registration: str) -> Any:
        return await api.client.post(f"/me/registrations/{registration}/join", headers=who.headers)

    not_yet = await join(person, places[soon["conference_id"]])
    assert not_yet.status_code == 409 and "not given the link" in not_yet.json()["detail"]
    link = f"/conferences/{soon['conference_id']}/join-link"
    bad = await api.client.put(link, json={"url": "javascript:alert(1)"}, headers=host.headers)
    assert bad.status_code == 400
    assert (
        await api.client.put(link, json={"url": "https://meet.example/abc"}, headers=person.headers)
    ).status_code == 403
    assert (
        await api.client.put(link, json={"url": "https://meet.example/abc"}, headers=host.headers)
    ).status_code == 204
    await api.client.put(
        f"/conferences/{later['conference_id']}/join-link", json={"url": "https://meet.example/x"}, headers=host.headers
    )

    joined = await join(person, places[soon["conference_id"]])
    assert joined.status_code == 200 and joined.json() == {"url": "https://meet.example/abc"}
    await join(person, places[soon["conference_id"]])  # twice: one attendance
    too_early = await join(person, places[later["conference_id"]])
    assert too_early.status_code == 409 and "30 minutes before the start" in too_early.json()["detail"]
    (in_line,) = await api.mine(waiting)
    assert (await join(waiting, in_line["registration_id"])).status_code == 409  # no place, no link
    assert (await join(waiting, places[soon["conference_id"]])).status_code == 404  # not theirs

    figures = (await registrants(api, host, soon)).json()["yours"]
    assert figures["attended"] == 1 and figures["registered"] == 1 and figures["waitlisted"] == 1


async def test_drafts_are_listed_for_the_hosts_admins_only(api: Api) -> None:
    host = api.member(None, "admin")
    draft = await api.conference(host, publish=False, title="Planning: a circle for caregivers")
    hosted = await api.client.get(f"/associations/{host.association_id}/conferences", headers=host.headers)
    assert [c["conference_id"] for c in hosted.json()] == [draft["conference_id"]]
    assert hosted.json()[0]["status"] == "draft"
    member = api.member(host.association_id)
    refused = await api.client.get(f"/associations/{host.association_id}/conferences", headers=member.headers)
    assert refused.status_code == 403


async def test_speakers_are_shown_with_their_profession_and_kind(api: Api) -> None:
    host = api.member(None, "admin")
    speakers = [
        {"name": "Dr Claire Martin", "profession": "rheumatologist", "kind": "hcp", "member_id": None},
        {
            "name": "Sam",
            "profession": "has lived with fibromyalgia for ten years",
            "kind": "patient",
            "member_id": None,
        },
    ]
    conference = await api.conference(host, speakers=speakers)
    read = await api.client.get(f"/conferences/{conference['conference_id']}", headers=host.headers)
    assert read.json()["speakers"] == speakers
    listed = await api.client.get("/conferences/", headers=host.headers)
    assert [c["speakers"] for c in listed.json()] == [speakers]
    body = {**conference, "speakers": [{"name": "X Y", "kind": "surgeon"}]}
    wrong = await api.client.post(
        "/conferences/",
        json={
            k: body[k]
            for k in (
                "association_id",
                "title",
                "languages",
                "audience",
                "starts_at",
                "ends_at",
                "time_zone",
                "capacity",
                "speakers",
            )
        },
        headers=host.headers,
    )
    assert wrong.status_code == 400 and "kind" in wrong.text


async def test_more_places_go_at_once_to_those_waiting_and_fewer_never_drop_below_those_taken(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host, capacity=1)
    first, second = api.member(host.association_id), api.member(host.association_id)
    for person in (first, second):
        await api.register(person, conference["conference_id"])
    path = f"/conferences/{conference['conference_id']}"

    assert (await api.client.patch(path, json={"capacity": 3}, headers=first.headers)).status_code == 403
    grown = await api.client.patch(path, json={"capacity": 3, "title": "Sleep, pain and pacing"}, headers=host.headers)
    assert grown.status_code == 200 and grown.json()["title"] == "Sleep, pain and pacing"
    (offer,) = await api.mine(second)
    assert offer["status"] == "offered", "the new place is offered at once to the one waiting"
    assert len(await api.messages("registration.place_offered")) == 1
    shrunk = await api.client.patch(path, json={"capacity": 1}, headers=host.headers)
    assert shrunk.status_code == 409 and "2 places are taken or offered" in shrunk.json()["detail"]
    assert (await api.client.patch(path, json={"capacity": 0}, headers=host.headers)).status_code == 400
    assert await api.held(conference["conference_id"]) == 2


async def test_a_speaker_linked_to_a_member_must_hold_the_healthcare_professional_role_in_a_host(api: Api) -> None:
    host = api.member(None, "admin")
    doctor, patient = uuid4(), uuid4()
    async with api.pool.acquire() as conn, conn.transaction():
        for member, roles in ((doctor, ["member", "hcp"]), (patient, ["member"])):
            joined = MemberJoined(
                member_id=member, association_id=host.association_id, time_zone="Europe/Paris", roles=roles
            )
            await apply_member_message(conn, joined)
    verified = {"name": "Dr Ana Costa", "profession": "pulmonologist", "kind": "hcp", "member_id": str(doctor)}
    conference = await api.conference(host, speakers=[verified])
    assert conference["speakers"] == [verified]

    created = await api.client.post(
        "/conferences/",
        json={
            "association_id": str(host.association_id),
            "title": "Breathing well",
            "languages": ["en"],
            "audience": ["patients"],
            "starts_at": conference["starts_at"],
            "ends_at": conference["ends_at"],
            "time_zone": "Europe/Paris",
            "capacity": 10,
            "speakers": [{**verified, "name": "Dr Who", "member_id": str(patient)}],
        },
        headers=host.headers,
    )
    assert created.status_code == 409 and "healthcare professional role" in created.json()["detail"]
