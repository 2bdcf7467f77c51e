"""Associations over HTTP: a federation admin creates them, their admins edit them, people join and leave,
and a federation admin appoints an association's first admin."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
import pytest

from membership.bootstrap import MIGRATIONS, MembershipSettings
from membership.entrypoints.cli import create_federation_admin
from shared.db.pool import DatabaseSettings
from shared.testing.plugin import ServiceDatabase

from ..conftest import Api

CHRONIC_PAIN = {
    "name": "Chronic Pain Network",
    "slug": "chronic-pain",
    "default_locale": "fr",
    "time_zone": "Europe/Paris",
    "languages": ["en", "fr"],
    "federation_matching": True,
}


async def association_count(api: Api) -> int:
    count: int = await api.pool.fetchval("SELECT count(*) FROM associations")
    return count


async def test_a_federation_admin_creates_an_association_everyone_logged_in_can_read(api: Api) -> None:
    federation = await api.federation_admin()
    reader = await api.person()

    created = await api.client.post("/associations", json=CHRONIC_PAIN, headers=federation.headers)

    assert created.status_code == 201, created.text
    body = created.json()
    assert body == {**CHRONIC_PAIN, "association_id": body["association_id"], "requires_approval": False}
    listed = await api.client.get("/associations", headers=reader.headers)
    assert [a["slug"] for a in listed.json()] == ["chronic-pain"]
    one = await api.client.get(f"/associations/{body['association_id']}", headers=reader.headers)
    assert one.json() == body
    # the list is public: the web client shows it before anyone signs in
    assert [a["slug"] for a in (await api.client.get("/associations")).json()] == ["chronic-pain"]
    assert await api.messages() == []


async def test_only_a_federation_admin_creates_associations(api: Api) -> None:
    association_id = await api.association()
    admin = await api.member_of(association_id, roles=("member", "admin"))

    response = await api.client.post("/associations", json=CHRONIC_PAIN, headers=admin.headers)

    assert response.status_code == 403
    assert "federation admin" in response.json()["detail"]
    assert await association_count(api) == 1


async def test_bad_association_input_is_refused_and_nothing_is_stored(api: Api) -> None:
    federation = await api.federation_admin()
    await api.association(slug="chronic-pain")
    bad: list[dict[str, Any]] = [
        {**CHRONIC_PAIN, "slug": "Chronic Pain!"},
        {**CHRONIC_PAIN, "slug": "other", "time_zone": "Paris"},
        {**CHRONIC_PAIN, "slug": "other", "languages": ["french"]},
        {**CHRONIC_PAIN, "slug": "other", "name": " "},
        {**CHRONIC_PAIN, "slug": "other", "owner": "me"},
    ]
    for body in bad:
        response = await api.client.post("/associations", json=body, headers=federation.headers)
        assert response.status_code == 400, (body, response.text)

    taken = await api.client.post("/associations", json=CHRONIC_PAIN, headers=federation.headers)

    assert taken.status_code == 409
    assert "chronic-pain" in taken.json()["detail"]
    assert await association_count(api) == 1


async def test_an_unknown_association_answers_404(api: Api) -> None:
    person = await api.person()
    response = await api.client.get(f"/associations/{UUID(int=1)}", headers=person.headers)
    assert response.status_code == 404


async def test_an_admin_edits_only_the_settings_given_and_only_of_their_association(api: Api) -> None:
    association_id = await api.association(name="Rare Lung", languages=["en"])
    other_id = await api.association(name="Other")
    admin = await api.member_of(association_id, roles=("member", "admin"))
    other_admin = await api.member_of(other_id, roles=("member", "admin"))
    member = await api.member_of(association_id)
    path = f"/associations/{association_id}"

    changed = await api.client.patch(path, json={"requires_approval": True}, headers=admin.headers)

    assert changed.status_code == 200, changed.text
    assert changed.json()["requires_approval"] is True
    assert changed.json()["name"] == "Rare Lung" and changed.json()["languages"] == ["en"]
    for intruder in (other_admin, member):
        refused = await api.client.patch(path, json={"name": "Taken over"}, headers=intruder.headers)
        assert refused.status_code == 403
    # an explicit null passes the body's schema but cannot be stored: the settings check says which one
    for bad, status in (({"name": None}, 422), ({"time_zone": "Mars/Olympus"}, 400), ({"slug": "new-slug"}, 400)):
        refused = await api.client.patch(path, json=bad, headers=admin.headers)
        assert refused.status_code == status, (bad, refused.text)
    stored = await api.pool.fetchrow(
        "SELECT name, slug, time_zone FROM associations WHERE association_id = $1", association_id
    )
    assert stored is not None and stored["name"] == "Rare Lung" and stored["time_zone"] == "UTC"


async def test_a_federation_admin_edits_any_association(api: Api) -> None:
    association_id = await api.association(name="Old name")
    federation = await api.federation_admin()

    response = await api.client.patch(
        f"/associations/{association_id}", json={"name": "New name"}, headers=federation.headers
    )

    assert response.status_code == 200
    assert response.json()["name"] == "New name"
    missing = await api.client.patch(f"/associations/{UUID(int=1)}", json={"name": "x y"}, headers=federation.headers)
    assert missing.status_code == 404


async def test_joining_an_open_association_is_active_at_once_and_announced(api: Api) -> None:
    association_id = await api.association()
    person = await api.person(display_name="Amina")

    response = await api.client.post(f"/associations/{association_id}/join", headers=person.headers)

    assert response.status_code == 201, response.text
    assert response.json()["status"] == "active"
    assert response.json()["roles"] == ["member"]
    joined = await api.messages("member.joined")
    assert [m["data"]["member_id"] for m in joined] == [str(person.member_id)]
    assert "Amina" not in str(joined) and person.email not in str(joined)
    assert len(await api.messages("contact.updated")) == 1
    again = await api.client.post(f"/associations/{association_id}/join", headers=person.headers)
    assert again.status_code == 409


async def test_joining_an_association_that_approves_joiners_waits_and_publishes_nothing(api: Api) -> None:
    association_id = await api.association(requires_approval=True)
    person = await api.person()

    response = await api.client.post(f"/associations/{association_id}/join", headers=person.headers)

    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert await api.messages() == []
    missing = await api.client.post(f"/associations/{UUID(int=1)}/join", headers=person.headers)
    assert missing.status_code == 404


async def test_asking_for_a_mentor_when_joining_travels_with_the_join_even_after_approval(api: Api) -> None:
    open_one = await api.association()
    approving = await api.association(requires_approval=True)
    admin = await api.member_of(approving, roles=("member", "admin"))
    person = await api.person()

    joined = await api.client.post(
        f"/associations/{open_one}/join", json={"wants_mentor": True}, headers=person.headers
    )
    waiting = await api.client.post(
        f"/associations/{approving}/join", json={"wants_mentor": True}, headers=person.headers
    )
    assert (joined.status_code, waiting.json()["status"]) == (201, "pending")
    approved = await api.client.post(
        f"/associations/{approving}/members/{person.member_id}/approve", headers=admin.headers
    )
    assert approved.status_code == 200, approved.text

    announced = await api.messages("member.joined")
    assert [(m["association_id"], m["data"]["wants_mentor"]) for m in announced] == [
        (str(open_one), True),
        (str(approving), True),
    ]
    typo = await api.client.post(f"/associations/{open_one}/join", json={"wants_mentors": True}, headers=person.headers)
    assert typo.status_code == 400


async def test_leaving_is_announced_once(api: Api) -> None:
    association_id = await api.association()
    person = await api.member_of(association_id)

    response = await api.client.post(f"/associations/{association_id}/leave", headers=person.headers)

    assert response.status_code == 204
    assert [m["data"]["member_id"] for m in await api.messages("member.left")] == [str(person.member_id)]
    assert (await api.client.get("/me", headers=person.headers)).status_code == 401, "tokens with the membership end"
    fresh = {"Authorization": f"Bearer {(await api.login(person.email))['access_token']}"}
    again = await api.client.post(f"/associations/{association_id}/leave", headers=fresh)
    assert again.status_code == 404
    assert len(await api.messages("member.left")) == 1


async def test_a_federation_admin_appoints_the_first_admin_of_a_new_association(api: Api) -> None:
    federation = await api.federation_admin()
    created = await api.client.post(
        "/associations", json={**CHRONIC_PAIN, "requires_approval": True}, headers=federation.headers
    )
    association_id = created.json()["association_id"]
    person = await api.person(email="nadia@example.org")
    await api.client.post(f"/associations/{association_id}/join", headers=person.headers)

    appointed = await api.client.post(
        f"/associations/{association_id}/admins", json={"email": "Nadia@Example.org"}, headers=federation.headers
    )

    assert appointed.status_code == 200, appointed.text
    assert appointed.json()["roles"] == ["member", "admin"]
    assert appointed.json()["status"] == "active"
    joined = await api.messages("member.joined")
    assert [m["data"]["roles"] for m in joined] == [["member", "admin"]]
    members = await api.client.get(f"/associations/{association_id}/members", headers=person.headers)
    assert members.status_code == 200
    # the federation admin still reads no member list there
    assert (
        await api.client.get(f"/associations/{association_id}/members", headers=federation.headers)
    ).status_code == 403


async def test_appointing_needs_the_right_role_and_someone_who_joined(api: Api) -> None:
    association_id = await api.association()
    federation = await api.federation_admin()
    member = await api.member_of(association_id)
    stranger = await api.person()
    path = f"/associations/{association_id}/admins"

    by_member = await api.client.post(path, json={"email": member.email}, headers=member.headers)
    not_joined = await api.client.post(path, json={"email": stranger.email}, headers=federation.headers)
    not_an_email = await api.client.post(path, json={"email": "nobody"}, headers=federation.headers)

    assert by_member.status_code == 403
    assert not_joined.status_code == 404
    assert "join" in not_joined.json()["detail"]
    assert not_an_email.status_code == 400
    assert await api.messages() == []
    roles = await api.pool.fetchval(
        "SELECT roles FROM memberships WHERE member_id = $1 AND association_id = $2", member.member_id, association_id
    )
    assert roles == ["member"]


# -- the operator's first federation admin --------------------------------------------------------


async def test_create_federation_admin_registers_or_promotes_from_the_environment(
    service_database: ServiceDatabase, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = await service_database(MIGRATIONS)
    settings = MembershipSettings(database=DatabaseSettings(url=url))
    monkeypatch.setenv("FEDERATION_ADMIN_EMAIL", "Ops@Example.org")
    monkeypatch.setenv("FEDERATION_ADMIN_PASSWORD", "a long operator passphrase")

    await create_federation_admin(settings)
    await create_federation_admin(settings)  # a second run changes nothing

    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT email, federation_roles, password_hash FROM accounts")
    finally:
        await conn.close()
    assert [(r["email"], r["federation_roles"]) for r in rows] == [("ops@example.org", ["federation_admin"])]
    assert rows[0]["password_hash"].startswith("$argon2id$")
    printed = capsys.readouterr().out
    assert "created and granted" in printed and "password unchanged" in printed


async def test_create_federation_admin_refuses_a_weak_or_missing_password(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = MembershipSettings(database=DatabaseSettings(url="postgresql://nowhere.invalid/none"))
    monkeypatch.setenv("FEDERATION_ADMIN_EMAIL", "ops@example.org")
    monkeypatch.delenv("FEDERATION_ADMIN_PASSWORD", raising=False)
    with pytest.raises(SystemExit, match="FEDERATION_ADMIN_PASSWORD"):
        await create_federation_admin(settings)
    monkeypatch.setenv("FEDERATION_ADMIN_PASSWORD", "1234567890")
    with pytest.raises(SystemExit, match="too easy to guess"):
        await create_federation_admin(settings)
