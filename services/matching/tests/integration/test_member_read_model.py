"""Matching's read model follows every message of `membership.member.v1`, each applied once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time
from uuid import uuid4

import pytest

from matching.domain.model import Preferences
from matching.service_layer.requests import cancel_request, open_request
from shared.contracts import new_envelope
from shared.contracts.membership import (
    AvailabilityChanged,
    AvailabilityWindow,
    ConditionsChanged,
    ConsentChanged,
    MemberErased,
    MemberLeft,
    MentorCapacityChanged,
    MentorPaused,
    MentorResumed,
    ProfileUpdated,
    RolesChanged,
)
from shared.errors import Forbidden
from shared.testing.plugin import ServiceDatabase

from .membership_facts import Facts, joined, matching_pool


@pytest.fixture
async def facts(service_database: ServiceDatabase) -> AsyncIterator[Facts]:
    async with matching_pool(service_database) as pool:
        yield Facts(pool)


async def test_joined_stores_the_snapshot_and_opens_one_request(facts: Facts) -> None:
    member, association = uuid4(), uuid4()
    message = joined(member, association, wants_mentor=True, federation_matching_allowed=True, birth_year=1980)
    envelope = new_envelope(message, source="membership")
    assert await facts.deliver(envelope)
    assert not await facts.deliver(envelope)  # applied once however often it is delivered

    person = await facts.pool.fetchrow("SELECT * FROM people WHERE member_id = $1", member)
    assert person["languages"] == ["fr"] and person["time_zone"] == "Europe/Paris"
    assert person["conditions"] == {"M79.7": 2015} and person["birth_year"] == 1980
    assert person["consents"] == ["health_data", "peer_matching"]
    assert person["availability"][0] == {"weekday": 0, "start": "18:00:00", "end": "21:00:00"}
    membership = await facts.pool.fetchrow("SELECT * FROM member_associations WHERE member_id = $1", member)
    assert membership["roles"] == ["member"] and membership["federation_matching_allowed"] and membership["active"]

    request = await facts.request_of(member)
    assert request["status"] == "open" and request["association_id"] == association
    assert await facts.messages("request.created") == [
        {"request_id": str(request["request_id"]), "mentee_id": str(member), "association_id": str(association)}
    ]
    # joining again (a new event) keeps the one live request
    await facts.apply(joined(member, association, wants_mentor=True))
    assert await facts.pool.fetchval("SELECT count(*) FROM requests") == 1
    assert len(await facts.messages("request.created")) == 1


async def test_open_request_for_members_only_and_once(facts: Facts) -> None:
    association = uuid4()
    member = await facts.mentee(association)
    async with facts.pool.acquire() as conn, conn.transaction():
        again = await open_request(conn, member, association, Preferences(modality="phone"))
    assert not again.created and again.request_id == (await facts.request_of(member))["request_id"]
    async with facts.pool.acquire() as conn, conn.transaction():
        with pytest.raises(Forbidden):
            await open_request(conn, member, uuid4(), Preferences())
        assert await cancel_request(conn, again.request_id, "found help elsewhere")
        assert not await cancel_request(conn, again.request_id, "twice")
        reopened = await open_request(conn, member, association, Preferences(modality="phone"))
    assert reopened.created and reopened.request_id != again.request_id
    stored = await facts.pool.fetchval("SELECT preferences FROM requests WHERE request_id = $1", reopened.request_id)
    assert stored["modality"] == "phone" and stored["caregiver_for_caregiver"] is True


async def test_left_deactivates_and_cancels_the_requests_there(facts: Facts) -> None:
    association, other = uuid4(), uuid4()
    member = await facts.mentee(association)
    await facts.apply(joined(member, other, wants_mentor=True))
    await facts.apply(MemberLeft(member_id=member, association_id=association))
    rows = await facts.pool.fetch(
        "SELECT m.association_id, m.active, r.status, r.closed_reason FROM member_associations m"
        " JOIN requests r ON r.mentee_id = m.member_id AND r.association_id = m.association_id WHERE m.member_id = $1",
        member,
    )
    states = {row["association_id"]: (row["active"], row["status"], row["closed_reason"]) for row in rows}
    assert states == {association: (False, "cancelled", "left"), other: (True, "open", None)}

    await facts.apply(joined(member, association))  # back again, without asking for a mentor this time
    assert await facts.pool.fetchval(
        "SELECT active FROM member_associations WHERE member_id = $1 AND association_id = $2", member, association
    )


async def test_erased_forgets_the_person(facts: Facts) -> None:
    association = uuid4()
    member = await facts.mentor(association)
    await facts.apply(joined(member, uuid4(), wants_mentor=True))
    await facts.apply(MemberErased(member_id=member, association_id=association))
    for table in ("people", "member_associations", "mentors", "requests"):
        assert (
            await facts.pool.fetchval(f"SELECT count(*) FROM {table} WHERE {_member_column(table)} = $1", member) == 0
        )
    assert await facts.apply(MemberErased(member_id=member, association_id=uuid4()))  # the next one finds nothing


def _member_column(table: str) -> str:
    return "mentee_id" if table == "requests" else "member_id"


async def test_person_facts_update_the_person(facts: Facts) -> None:
    association = uuid4()
    member = await facts.mentee(association)
    await facts.apply(
        ProfileUpdated(
            member_id=member, languages=["en", "de"], time_zone="Europe/Berlin", is_caregiver=True, gender="female"
        )
    )
    await facts.apply(ConditionsChanged(member_id=member, conditions=["G43.1", "M79.7"], diagnosed_in={"G43.1": 2001}))
    window = AvailabilityWindow(weekday=5, start=time(9), end=time(12))
    await facts.apply(AvailabilityChanged(member_id=member, time_zone="America/Toronto", availability=[window]))
    await facts.apply(ConsentChanged(member_id=member, kind="federation_matching", granted=True, version="1"))
    await facts.apply(ConsentChanged(member_id=member, kind="federation_matching", granted=True, version="2"))
    await facts.apply(ConsentChanged(member_id=member, kind="health_data", granted=False, version="1"))
    await facts.apply(RolesChanged(member_id=member, association_id=association, roles=["member", "admin"]))

    person = await facts.pool.fetchrow("SELECT * FROM people WHERE member_id = $1", member)
    assert (person["languages"], person["is_caregiver"], person["gender"]) == (["en", "de"], True, "female")
    assert person["conditions"] == {"G43.1": 2001, "M79.7": None}
    assert person["time_zone"] == "America/Toronto"
    assert person["availability"] == [{"weekday": 5, "start": "09:00:00", "end": "12:00:00"}]
    assert sorted(person["consents"]) == ["federation_matching", "peer_matching"]
    assert await facts.pool.fetchval("SELECT roles FROM member_associations WHERE member_id = $1", member) == [
        "member",
        "admin",
    ]
    # facts about people matching never heard of change nothing
    assert await facts.apply(ConsentChanged(member_id=uuid4(), kind="health_data", granted=False, version="1"))
    assert await facts.pool.fetchval("SELECT count(*) FROM people") == 1


async def test_mentor_lifecycle(facts: Facts) -> None:
    association = uuid4()
    mentor = await facts.mentor(association, capacity=3, modalities=["video", "chat"])
    row = await facts.pool.fetchrow("SELECT * FROM mentors WHERE member_id = $1", mentor)
    assert (row["conditions"], row["diagnosed_in"], row["capacity"]) == (["M79.7"], {"M79.7": 2010}, 3)
    assert (row["modalities"], row["paused"], row["load"]) == (["video", "chat"], False, 0)

    await facts.apply(MentorPaused(member_id=mentor, association_id=association))
    assert await facts.pool.fetchval("SELECT paused FROM mentors WHERE member_id = $1", mentor)
    await facts.apply(MentorResumed(member_id=mentor, association_id=association))
    assert not await facts.pool.fetchval("SELECT paused FROM mentors WHERE member_id = $1", mentor)

    await facts.pool.execute("UPDATE mentors SET load = 3 WHERE member_id = $1", mentor)
    await facts.apply(MentorCapacityChanged(member_id=mentor, association_id=association, capacity=1))
    row = await facts.pool.fetchrow("SELECT capacity, load FROM mentors WHERE member_id = $1", mentor)
    assert (row["capacity"], row["load"]) == (1, 3)  # the load drains on its own; no new proposal meanwhile
