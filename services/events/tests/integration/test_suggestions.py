"""Reaching the right people, on a real PostgreSQL: when an event is published, the hosts' members whose
conditions it is for (by the ICD-10 hierarchy) and who consented to the use of their health data are told,
once each; the message names the event, never their condition."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

from events.service_layer.members import apply_member_message
from shared.contracts.envelope import MessageData
from shared.contracts.membership import ConditionsChanged, ConsentChanged, MemberJoined

from .conftest import Api


async def apply(api: Api, *messages: MessageData) -> None:
    for data in messages:
        async with api.pool.acquire() as conn, conn.transaction():
            await apply_member_message(conn, data)


def joined(
    member: UUID, association: UUID, conditions: list[str], *, consents: tuple[str, ...] = ("health_data",)
) -> MemberJoined:
    return MemberJoined.model_validate(
        {
            "member_id": member,
            "association_id": association,
            "time_zone": "Europe/Paris",
            "conditions": conditions,
            "consents": list(consents),
        }
    )


async def test_publishing_tells_exactly_the_hosts_members_whose_conditions_it_is_for(api: Api) -> None:
    host = api.member(None, "admin")
    other_association = uuid4()
    people = {name: uuid4() for name in ("subtype", "category", "exact", "unrelated", "no_consent", "elsewhere")}
    withdrawn = uuid4()
    await apply(
        api,
        joined(people["subtype"], host.association_id, ["G43.1"]),  # within the event's code
        joined(people["category"], host.association_id, ["G43"]),  # the event's code is within theirs
        joined(people["exact"], host.association_id, ["G43.0", "M79.7"]),
        joined(people["unrelated"], host.association_id, ["M79.7"]),
        joined(people["no_consent"], host.association_id, ["G43.1"], consents=()),
        joined(people["elsewhere"], other_association, ["G43.1"]),  # not a member of the host
        joined(withdrawn, host.association_id, ["G43.1"]),
        ConsentChanged(member_id=withdrawn, kind="health_data", granted=False, version="2026-01"),
        ConditionsChanged(member_id=withdrawn, conditions=["G43.1"]),  # not kept without the consent
    )

    conference = await api.conference(host, conditions=["G43"])

    told = await api.messages("registration.suggested")
    assert sorted(m["data"]["member_id"] for m in told) == sorted(
        str(people[name]) for name in ("subtype", "category", "exact")
    )
    assert {m["data"]["conference_id"] for m in told} == {conference["conference_id"]}
    assert all(m["data"]["association_id"] == str(host.association_id) for m in told)
    for message in told:  # which condition matched is nobody's business but events'
        assert "G43" not in json.dumps(message["data"]) and "conditions" not in message["data"]
    codes = await api.pool.fetchval("SELECT conditions FROM people WHERE member_id = $1", withdrawn)
    assert codes == [], "a withdrawn consent takes the codes with it"


async def test_an_event_for_no_condition_is_suggested_to_nobody(api: Api) -> None:
    host = api.member(None, "admin")
    await apply(api, joined(uuid4(), host.association_id, ["G43.1"]))

    await api.conference(host, conditions=[])

    assert await api.messages("registration.suggested") == []


async def test_the_list_marks_the_events_for_the_callers_conditions_and_only_with_their_consent(api: Api) -> None:
    host = api.member(None, "admin")
    reader = api.member(host.association_id)
    await apply(api, joined(reader.member_id, host.association_id, ["G43.1"]))
    for_migraine = await api.conference(host, conditions=["G43"])
    for_pain = await api.conference(host, conditions=["M79.7"], title="Fibromyalgia: sleep and pain")

    async def marked() -> dict[str, bool]:
        answer = await api.client.get("/conferences/", headers=reader.headers)
        assert answer.status_code == 200, answer.text
        return {c["conference_id"]: c["for_your_conditions"] for c in answer.json()}

    assert await marked() == {for_migraine["conference_id"]: True, for_pain["conference_id"]: False}
    await apply(api, ConsentChanged(member_id=reader.member_id, kind="health_data", granted=False, version="2026-01"))
    assert await marked() == {for_migraine["conference_id"]: False, for_pain["conference_id"]: False}
