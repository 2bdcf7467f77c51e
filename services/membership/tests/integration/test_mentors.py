"""Peer mentors over HTTP: apply, admins decide (audited), mentors pause, resume and change capacity."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from membership.adapters import conditions
from membership.domain.conditions import MemberCondition

from ..conftest import Api, Person

APPLICATION = {"conditions": ["M79.7"], "capacity": 2, "modalities": ["video", "chat"], "bio": "Ten years of it."}


async def with_conditions(api: Api, person: Person, **held: int) -> Person:
    """Record conditions (code with '_' for '.') with their year of diagnosis."""
    recorded = [MemberCondition(code=code.replace("_", "."), diagnosed_year=year) for code, year in held.items()]
    async with api.pool.acquire() as conn:
        await conditions.replace_conditions(conn, person.member_id, recorded)
    return person


async def applicant(api: Api, association_id: UUID, **profile: Any) -> Person:
    person = await with_conditions(api, await api.member_of(association_id, **profile), M79_7=2012, G43_1=2009)
    response = await api.client.post(
        f"/associations/{association_id}/mentoring", json=APPLICATION, headers=person.headers
    )
    assert response.status_code == 201, response.text
    return person


async def approved_mentor(api: Api, association_id: UUID, admin: Person) -> Person:
    person = await applicant(api, association_id)
    response = await api.client.post(
        f"/associations/{association_id}/mentors/{person.member_id}/approve", headers=admin.headers
    )
    assert response.status_code == 200, response.text
    return person


async def mentor_rows(api: Api) -> list[dict[str, Any]]:
    return [
        dict(row) for row in await api.pool.fetch("SELECT member_id, status, paused, capacity FROM mentor_profiles")
    ]


async def test_an_active_member_applies_for_conditions_they_live_with(api: Api) -> None:
    association_id = await api.association()
    person = await with_conditions(api, await api.member_of(association_id), M79_7=2012)

    response = await api.client.post(
        f"/associations/{association_id}/mentoring", json=APPLICATION, headers=person.headers
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "applied" and body["conditions"] == ["M79.7"] and body["capacity"] == 2
    again = await api.client.post(f"/associations/{association_id}/mentoring", json=APPLICATION, headers=person.headers)
    assert again.status_code == 409
    assert await api.messages() == []


async def test_conditions_not_in_the_profile_are_named_and_nothing_is_stored(api: Api) -> None:
    association_id = await api.association()
    person = await with_conditions(api, await api.member_of(association_id), M79_7=2012)
    path = f"/associations/{association_id}/mentoring"

    missing = await api.client.post(
        path, json={**APPLICATION, "conditions": ["M79.7", "G43.1"]}, headers=person.headers
    )

    assert missing.status_code == 422
    assert missing.json()["extra"] == {"missing": ["G43.1"]}
    assert "G43.1" in missing.json()["detail"]
    for bad in (
        {**APPLICATION, "conditions": []},
        {**APPLICATION, "conditions": ["not a code"]},
        {**APPLICATION, "capacity": 6},
        {**APPLICATION, "modalities": ["carrier pigeon"]},
        {**APPLICATION, "modalities": []},
    ):
        assert (await api.client.post(path, json=bad, headers=person.headers)).status_code == 400, bad
    assert await mentor_rows(api) == []


async def test_only_active_members_of_the_association_apply(api: Api) -> None:
    association_id = await api.association(requires_approval=True)
    stranger = await with_conditions(api, await api.person(), M79_7=2012)
    waiting = await with_conditions(api, await api.person(), M79_7=2012)
    await api.client.post(f"/associations/{association_id}/join", headers=waiting.headers)
    path = f"/associations/{association_id}/mentoring"

    for person in (stranger, waiting):
        assert (await api.client.post(path, json=APPLICATION, headers=person.headers)).status_code == 403
    assert (
        await api.client.post(f"/associations/{UUID(int=1)}/mentoring", json=APPLICATION, headers=stranger.headers)
    ).status_code == 404
    assert await mentor_rows(api) == []


async def test_listing_applications_is_for_admins_and_each_listed_applicant_is_audited(api: Api) -> None:
    association_id = await api.association()
    admin = await api.member_of(association_id, roles=("member", "admin"))
    amina = await applicant(api, association_id, display_name="Amina")
    grace = await applicant(api, association_id, display_name="Grace")
    path = f"/associations/{association_id}/mentor-applications"

    response = await api.client.get(path, params={"status": "applied"}, headers=admin.headers)

    assert response.status_code == 200, response.text
    listed = response.json()
    assert [a["display_name"] for a in listed] == ["Amina", "Grace"]
    assert listed[0]["conditions"] == ["M79.7"] and listed[0]["modalities"] == ["video", "chat"]
    trail = await api.pool.fetch(
        "SELECT actor_id, subject_id, association_id, action, resource FROM audit_log ORDER BY id"
    )
    assert [(r["actor_id"], r["subject_id"], r["action"], r["resource"]) for r in trail] == [
        (admin.member_id, amina.member_id, "read", "mentor_application"),
        (admin.member_id, grace.member_id, "read", "mentor_application"),
    ]
    assert {r["association_id"] for r in trail} == {association_id}
    approved = await api.client.get(path, params={"status": "approved"}, headers=admin.headers)
    assert approved.json() == []


async def test_members_other_admins_and_federation_admins_do_not_read_applications(api: Api) -> None:
    association_id = await api.association()
    await applicant(api, association_id)
    member = await api.member_of(association_id)
    other_admin = await api.member_of(await api.association(), roles=("member", "admin"))
    federation = await api.federation_admin()
    path = f"/associations/{association_id}/mentor-applications"

    for caller in (member, other_admin, federation):
        assert (await api.client.get(path, headers=caller.headers)).status_code == 403
    assert await api.pool.fetchval("SELECT count(*) FROM audit_log") == 0


async def test_approving_publishes_the_mentor_with_codes_capacity_and_modalities_only(api: Api) -> None:
    association_id = await api.association()
    admin = await api.member_of(association_id, roles=("member", "admin"))
    person = await applicant(api, association_id, display_name="Amina Diallo")

    response = await api.client.post(
        f"/associations/{association_id}/mentors/{person.member_id}/approve", headers=admin.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "approved"
    [approved] = await api.messages("mentor.approved")
    assert approved["topic"] == "membership.member.v1" and approved["association_id"] == str(association_id)
    assert approved["data"] == {
        "member_id": str(person.member_id),
        "association_id": str(association_id),
        "conditions": ["M79.7"],
        "diagnosed_in": {"M79.7": 2012},
        "capacity": 2,
        "modalities": ["video", "chat"],
    }
    [roles] = await api.messages("member.roles_changed")
    assert roles["data"]["roles"] == ["member", "mentor"]
    member_topic = [m for m in await api.messages() if m["topic"] == "membership.member.v1"]
    assert "Amina" not in str(member_topic) and person.email not in str(member_topic)
    assert "Ten years" not in str(await api.messages())  # the bio stays here
    stored = await api.pool.fetchval("SELECT roles FROM memberships WHERE member_id = $1", person.member_id)
    assert stored == ["member", "mentor"]
    audit = await api.pool.fetch(
        "SELECT action, resource FROM audit_log WHERE subject_id = $1 ORDER BY id", person.member_id
    )
    # the decision on the application (health data) and the role it grants are both in the trail
    assert [tuple(r) for r in audit] == [("change", "mentor_application"), ("change", "roles")]
    again = await api.client.post(
        f"/associations/{association_id}/mentors/{person.member_id}/approve", headers=admin.headers
    )
    assert again.status_code == 409
    assert len(await api.messages("mentor.approved")) == 1


async def test_an_admin_of_a_decides_nothing_for_b(api: Api) -> None:
    a, b = await api.association(name="Assoc A"), await api.association(name="Assoc B")
    admin_a = await api.member_of(a, roles=("member", "admin"))
    member_b = await applicant(api, b)

    on_a = f"/associations/{a}/mentors/{member_b.member_id}"
    on_b = f"/associations/{b}/mentors/{member_b.member_id}"
    assert (await api.client.post(f"{on_a}/approve", headers=admin_a.headers)).status_code == 404
    assert (await api.client.post(f"{on_b}/approve", headers=admin_a.headers)).status_code == 403
    assert (await api.client.post(f"{on_b}/reject", json={"reason": "no"}, headers=admin_a.headers)).status_code == 403
    assert [row["status"] for row in await mentor_rows(api)] == ["applied"]
    assert await api.messages() == []


async def test_rejecting_keeps_the_reason_publishes_nothing_and_allows_a_new_application(api: Api) -> None:
    association_id = await api.association()
    admin = await api.member_of(association_id, roles=("member", "admin"))
    person = await applicant(api, association_id)
    path = f"/associations/{association_id}/mentors/{person.member_id}/reject"

    for bad in ({}, {"reason": ""}, {"reason": "x" * 1001}, {"reason": "nul \x00"}):
        assert (await api.client.post(path, json=bad, headers=admin.headers)).status_code == 400
    response = await api.client.post(path, json={"reason": "Please complete the training first"}, headers=admin.headers)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "rejected"
    assert response.json()["decision_note"] == "Please complete the training first"
    assert await api.messages() == []
    assert (await api.client.post(path, json={"reason": "again"}, headers=admin.headers)).status_code == 409
    reapplied = await api.client.post(
        f"/associations/{association_id}/mentoring", json=APPLICATION, headers=person.headers
    )
    assert reapplied.status_code == 201
    assert reapplied.json()["status"] == "applied" and reapplied.json()["decision_note"] is None


async def test_a_mentor_pauses_resumes_and_changes_capacity(api: Api) -> None:
    association_id = await api.association()
    admin = await api.member_of(association_id, roles=("member", "admin"))
    mentor = await approved_mentor(api, association_id, admin)
    base = f"/associations/{association_id}/mentoring"
    before = len(await api.messages())

    paused = await api.client.post(f"{base}/pause", headers=mentor.headers)
    paused_again = await api.client.post(f"{base}/pause", headers=mentor.headers)
    resumed = await api.client.post(f"{base}/resume", headers=mentor.headers)
    resumed_again = await api.client.post(f"{base}/resume", headers=mentor.headers)
    capacity = await api.client.put(f"{base}/capacity", json={"capacity": 4}, headers=mentor.headers)

    assert paused.status_code == 200 and paused.json()["paused"] is True
    assert paused_again.status_code == 409
    assert resumed.status_code == 200 and resumed.json()["paused"] is False
    assert resumed_again.status_code == 409
    assert capacity.status_code == 200 and capacity.json()["capacity"] == 4
    staged = (await api.messages())[before:]
    assert [m["event_type"] for m in staged] == ["mentor.paused", "mentor.resumed", "mentor.capacity_changed"]
    assert staged[2]["data"] == {
        "member_id": str(mentor.member_id),
        "association_id": str(association_id),
        "capacity": 4,
    }
    for bad in ({"capacity": 0}, {"capacity": 6}, {"capacity": "many"}, {}):
        assert (await api.client.put(f"{base}/capacity", json=bad, headers=mentor.headers)).status_code == 400
    assert [row["capacity"] for row in await mentor_rows(api)] == [4]
    assert len(await api.messages()) == before + 3


async def test_only_an_approved_mentor_pauses_or_changes_capacity(api: Api) -> None:
    association_id = await api.association()
    still_applying = await applicant(api, association_id)
    member = await api.member_of(association_id)
    stranger = await api.person()
    base = f"/associations/{association_id}/mentoring"

    for person in (still_applying, member):
        assert (await api.client.post(f"{base}/pause", headers=person.headers)).status_code == 409
        assert (
            await api.client.put(f"{base}/capacity", json={"capacity": 3}, headers=person.headers)
        ).status_code == 409
    assert (await api.client.post(f"{base}/pause", headers=stranger.headers)).status_code == 403
    assert [row["paused"] for row in await mentor_rows(api)] == [False]
    assert await api.messages() == []
