"""The demo data set of `make run`: built through the real use cases, loaded once, usable right away."""

from __future__ import annotations

from uuid import UUID

from membership.demo import CHRONIC_PAIN, DEMO_PASSWORD, RARE_LUNG, load_demo_data

from ..conftest import Api


async def test_demo_data_loads_once_with_real_messages_and_working_accounts(api: Api) -> None:
    created = await load_demo_data(api.pool)

    assert created == 14
    assert await load_demo_data(api.pool) == 0  # a second start adds nobody and publishes nothing more
    staged = await api.messages()
    assert len(await api.messages()) == len(staged)

    associations = {a["slug"]: a for a in (await api.client.get("/associations", headers=await _headers(api))).json()}
    assert associations["chronic-pain"]["association_id"] == str(CHRONIC_PAIN)
    assert associations["rare-lung"]["association_id"] == str(RARE_LUNG)
    assert associations["rare-lung"]["requires_approval"] is True

    joined = await api.messages("member.joined")
    assert len(joined) == 12  # two admins, five mentors, five members waiting; Ben still waits for approval
    by_member = {UUID(m["data"]["member_id"]): m["data"] for m in joined}
    approved = await api.messages("mentor.approved")
    assert len(approved) == 5
    for message in approved:
        data = message["data"]
        assert set(data["conditions"]) <= set(by_member[UUID(data["member_id"])]["conditions"])
        assert data["diagnosed_in"] and data["capacity"] >= 1 and data["modalities"]
    roles = {member_id: data["roles"] for member_id, data in by_member.items()}
    roles |= {UUID(m["data"]["member_id"]): m["data"]["roles"] for m in await api.messages("member.roles_changed")}
    assert sorted(map(tuple, roles.values())).count(("member", "admin")) == 2
    assert sorted(map(tuple, roles.values())).count(("member", "mentor")) == 5
    mentees = [data for member_id, data in by_member.items() if roles[member_id] == ["member"]]
    assert len(mentees) == 5
    assert all(m["availability"] and {"health_data", "peer_matching"} <= set(m["consents"]) for m in mentees)
    assert {m["is_caregiver"] for m in mentees} == {True, False}
    assert len(await api.messages("contact.updated")) == 12


async def test_demo_people_log_in_with_the_documented_password(api: Api) -> None:
    await load_demo_data(api.pool)

    for email in ("federation@example.org", "nadia@example.org", "amina@example.org", "ben@example.org"):
        await api.login(email, DEMO_PASSWORD)
    admin = {"Authorization": f"Bearer {(await api.login('oliver@example.org', DEMO_PASSWORD))['access_token']}"}
    pending = await api.client.get(f"/associations/{RARE_LUNG}/members?status=pending", headers=admin)
    assert [m["email"] for m in pending.json()["items"]] == ["ben@example.org"]


async def _headers(api: Api) -> dict[str, str]:
    return {"Authorization": f"Bearer {(await api.login('federation@example.org', DEMO_PASSWORD))['access_token']}"}
