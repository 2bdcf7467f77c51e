"""Data rights over HTTP: the export of everything stored about a person, and erasure by them or their admin."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from membership.adapters import mentors
from membership.domain.access import Actor
from membership.domain.mentors import MentorApplication
from membership.service_layer.memberships import join

from ..conftest import PASSWORD, Api, Person

CONSENT = {"kind": "health_data", "granted": True, "version": "2026-01"}
CONDITIONS = {"conditions": [{"code": "G43.1", "diagnosed_year": 2015}]}
WINDOWS = {"windows": [{"weekday": 1, "start": "09:00", "end": "11:00"}]}


async def joined(api: Api, person: Person, association_id: UUID) -> None:
    """The person joins (so other services know them)."""
    await join(api.pool, Actor(member_id=person.member_id), association_id)


async def fill_in(api: Api, person: Person) -> None:
    """Give the person some of every kind of data."""
    for method, path, body in [
        ("POST", "/me/consents", CONSENT),
        ("PUT", "/me/conditions", CONDITIONS),
        ("PUT", "/me/availability", WINDOWS),
        ("PUT", "/me/health-notes", {"notes": "Worse in winter."}),
        ("PATCH", "/me/profile", {"languages": ["fr"], "birth_year": 1980}),
    ]:
        response = await api.client.request(method, path, json=body, headers=person.headers)
        assert response.status_code < 300, response.text


async def personal_rows(api: Api, member_id: UUID) -> dict[str, int]:
    counts = {}
    for table in ("accounts", "memberships", "member_conditions", "availability_windows", "mentor_profiles"):
        counts[table] = await api.pool.fetchval(f"SELECT count(*) FROM {table} WHERE member_id = $1", member_id)
    for table in ("consents", "refresh_tokens"):
        counts[table] = await api.pool.fetchval(f"SELECT count(*) FROM {table} WHERE member_id = $1", member_id)
    return counts


# Export


async def test_the_export_holds_everything_stored_about_the_person_and_no_secret(api: Api) -> None:
    association_id = await api.association(name="Migraine Action")
    person = await api.member_of(association_id, display_name="Amina")
    await fill_in(api, person)
    async with api.pool.acquire() as conn:
        application = MentorApplication(conditions=["G43.1"], modalities=["phone"])
        await mentors.upsert_application(conn, person.member_id, association_id, application)
    refresh_token = (await api.login(person.email))["refresh_token"]

    response = await api.client.get("/me/export", headers=person.headers)

    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    export: dict[str, Any] = response.json()
    assert (export["member_id"], export["email"], export["has_password"]) == (str(person.member_id), person.email, True)
    assert export["profile"]["display_name"] == "Amina"
    assert export["profile"]["languages"] == ["fr"]
    assert [(m["association_name"], m["status"]) for m in export["memberships"]] == [("Migraine Action", "active")]
    assert export["conditions"] == CONDITIONS["conditions"]
    assert export["availability"] == [{"weekday": 1, "start": "09:00:00", "end": "11:00:00"}]
    assert export["health_notes"] == "Worse in winter."
    assert [p["conditions"] for p in export["mentor_profiles"]] == [["G43.1"]]
    assert [(c["kind"], c["granted"]) for c in export["consents"]] == [("health_data", True)]
    assert len(export["refresh_tokens"]) == 2
    assert set(export["refresh_tokens"][0]) == {"issued_at", "expires_at", "revoked_at"}
    trail = [(a["action"], a["resource"]) for a in export["audit_trail"]]
    assert ("change", "conditions") in trail
    assert ("change", "health_notes") in trail
    assert trail[-1] == ("export", "all")
    assert refresh_token not in response.text
    assert "argon2" not in response.text
    assert "password_hash" not in response.text


async def test_the_export_is_audited(api: Api) -> None:
    person = await api.person()

    await api.client.get("/me/export", headers=person.headers)

    audited = await api.pool.fetch("SELECT actor_id, subject_id, association_id, action, resource FROM audit_log")
    assert [tuple(row) for row in audited] == [(person.member_id, person.member_id, None, "export", "all")]


async def test_the_export_needs_a_token(api: Api) -> None:
    assert (await api.client.get("/me/export")).status_code == 401


# Erasure by the person


async def test_erasing_oneself_removes_everything_personal_and_tells_the_other_services(api: Api) -> None:
    first, second, never_joined = await api.association(), await api.association(), await api.association()
    person = await api.person()
    await joined(api, person, first)
    await joined(api, person, second)
    async with api.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO memberships (member_id, association_id, status) VALUES ($1, $2, 'pending')",
            person.member_id,
            never_joined,
        )
    await fill_in(api, person)
    await api.client.post("/auth/login", json={"email": person.email, "password": "not the password"})
    failed_logins = "SELECT count(*) FROM login_failures WHERE key LIKE 'account:%'"
    assert await api.pool.fetchval(failed_logins) == 1

    response = await api.client.delete("/me", headers=person.headers)

    assert response.status_code == 204, response.text
    remaining = await personal_rows(api, person.member_id)
    assert remaining == dict.fromkeys(remaining, 0)
    assert len(remaining) == 7
    assert await api.pool.fetchval(failed_logins) == 0
    erased = await api.messages("member.erased")
    assert sorted(m["association_id"] for m in erased) == sorted([str(first), str(second)])
    assert all(m["subject"] == str(person.member_id) for m in erased)
    tombstones = [m for m in await api.messages() if m.get("tombstone")]
    assert [m["topic"] for m in tombstones] == ["membership.contact.v1"]
    # the outbox keeps nothing of them: only the erasure facts and the tombstone, no name, address or code
    left = await api.pool.fetch(
        "SELECT event_type, envelope::text AS body FROM outbox WHERE message_key = $1", str(person.member_id)
    )
    assert sorted(row["event_type"] or "tombstone" for row in left) == ["member.erased", "member.erased", "tombstone"]
    every_row = str(await api.messages())
    for value in (person.email, CONDITIONS["conditions"][0]["code"], "Worse in winter"):
        assert value not in every_row, value
    assert await api.pool.fetchval("SELECT erased_by FROM erasures WHERE member_id = $1", person.member_id) == (
        person.member_id
    )
    audited = await api.pool.fetch("SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY id", person.member_id)
    assert [row["action"] for row in audited][-1] == "erase"
    assert len(audited) > 1  # the earlier trail stays


async def test_after_erasure_the_token_and_the_password_stop_working_and_the_email_is_free(api: Api) -> None:
    person = await api.person()
    await api.client.delete("/me", headers=person.headers)

    assert (await api.client.get("/me", headers=person.headers)).status_code == 401
    login = await api.client.post("/auth/login", json={"email": person.email, "password": PASSWORD})
    assert login.status_code == 401
    assert await api.register(person.email) != person.member_id


async def test_erasing_a_person_no_one_else_knows_publishes_nothing(api: Api) -> None:
    person = await api.person()

    response = await api.client.delete("/me", headers=person.headers)

    assert response.status_code == 204
    assert await api.messages() == []


# An association admin removes people from their association; only the person, or the federation's
# data-protection officer with a reason, erases a person.


async def test_an_admin_removes_a_member_who_keeps_their_account_and_other_associations(api: Api) -> None:
    association_id, elsewhere = await api.association(), await api.association()
    admin = await api.member_of(association_id, roles=("member", "admin"))
    member = await api.person()
    await joined(api, member, association_id)
    await joined(api, member, elsewhere)

    response = await api.client.post(
        f"/associations/{association_id}/members/{member.member_id}/remove", headers=admin.headers
    )

    assert response.status_code == 204, response.text
    assert (await personal_rows(api, member.member_id))["accounts"] == 1
    assert (await api.client.get("/me", headers=member.headers)).status_code == 401, "tokens with the membership end"
    fresh = {"Authorization": f"Bearer {(await api.login(member.email))['access_token']}"}
    assert (await api.client.get("/me", headers=fresh)).status_code == 200
    statuses = dict(
        await api.pool.fetch("SELECT association_id, status FROM memberships WHERE member_id = $1", member.member_id)
    )
    assert statuses == {association_id: "left", elsewhere: "active"}
    assert [m["association_id"] for m in await api.messages("member.left")] == [str(association_id)]
    assert await api.messages("member.erased") == []
    audited = await api.pool.fetchrow("SELECT actor_id, association_id, action, resource FROM audit_log")
    assert tuple(audited or ()) == (admin.member_id, association_id, "remove", "membership")


async def test_no_association_admin_can_erase_a_person_nor_touch_one_who_only_asked_to_join(api: Api) -> None:
    association_a, association_b = await api.association(), await api.association(requires_approval=True)
    admin_of_a = await api.member_of(association_a, roles=("member", "admin"))
    admin_of_b = await api.member_of(association_b, roles=("member", "admin"))
    await joined(api, admin_of_b, association_a)  # B's admin also belongs to A
    applicant = await api.person()
    assert (await api.client.post(f"/associations/{association_b}/join", headers=applicant.headers)).status_code == 201

    for target in (admin_of_b, applicant):
        erase = await api.client.post(
            f"/members/{target.member_id}/erase", headers=admin_of_a.headers, json={"reason": "because I am an admin"}
        )
        assert erase.status_code == 403, erase.text
    pending = await api.client.post(
        f"/associations/{association_b}/members/{applicant.member_id}/remove", headers=admin_of_b.headers
    )
    assert pending.status_code == 404 and "request to join gives no rights" in pending.json()["detail"]
    removed = await api.client.post(
        f"/associations/{association_a}/members/{admin_of_b.member_id}/remove", headers=admin_of_a.headers
    )
    assert removed.status_code == 204  # from A only: still B's admin, with their account
    assert (await personal_rows(api, admin_of_b.member_id))["accounts"] == 1
    assert (await personal_rows(api, applicant.member_id))["accounts"] == 1
    still = await api.pool.fetchval(
        "SELECT roles FROM memberships WHERE member_id = $1 AND association_id = $2",
        admin_of_b.member_id,
        association_b,
    )
    assert "admin" in still


async def test_only_an_admin_of_the_association_may_remove_its_members(api: Api) -> None:
    association_a, association_b = await api.association(), await api.association()
    member = await api.member_of(association_a)
    admin_of_b = await api.member_of(association_b, roles=("member", "admin"))
    plain_member = await api.member_of(association_a)
    admin_of_a = await api.member_of(association_a, roles=("admin",))

    attempts = [
        (admin_of_b, association_b, member.member_id, 404),
        (admin_of_b, association_a, member.member_id, 403),
        (plain_member, association_a, member.member_id, 403),
        (admin_of_a, association_a, uuid4(), 404),
    ]
    for caller, association_id, member_id, status in attempts:
        response = await api.client.post(
            f"/associations/{association_id}/members/{member_id}/remove", headers=caller.headers
        )
        assert response.status_code == status, (response.status_code, response.text)
        assert response.json()["detail"]
    assert (
        await api.client.post(f"/associations/{association_a}/members/{member.member_id}/remove")
    ).status_code == 401


async def test_the_last_admin_can_neither_leave_nor_be_removed(api: Api) -> None:
    association_id = await api.association()
    admin = await api.member_of(association_id, roles=("member", "admin"))

    left = await api.client.post(f"/associations/{association_id}/leave", headers=admin.headers)
    removed = await api.client.post(
        f"/associations/{association_id}/members/{admin.member_id}/remove", headers=admin.headers
    )

    for response in (left, removed):
        assert response.status_code == 409 and "last admin" in response.json()["detail"], response.text
    second = await api.member_of(association_id, roles=("member", "admin"))
    assert (await api.client.post(f"/associations/{association_id}/leave", headers=admin.headers)).status_code == 204
    assert second.member_id


async def test_the_data_protection_officer_erases_a_person_with_a_reason_kept_in_the_audit(api: Api) -> None:
    association_id = await api.association()
    member = await api.person()
    await joined(api, member, association_id)
    officer = await api.person()
    await api.pool.execute(
        "UPDATE accounts SET federation_roles = '{data_protection_officer}' WHERE member_id = $1", officer.member_id
    )
    token = (await api.login(officer.email))["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    missing = await api.client.post(f"/members/{member.member_id}/erase", headers=headers, json={})
    response = await api.client.post(
        f"/members/{member.member_id}/erase", headers=headers, json={"reason": "written request of 2026-12-01"}
    )

    assert missing.status_code == 400 and "reason" in missing.text
    assert response.status_code == 204, response.text
    assert (await personal_rows(api, member.member_id))["accounts"] == 0
    assert [m["association_id"] for m in await api.messages("member.erased")] == [str(association_id)]
    audited = await api.pool.fetchrow("SELECT actor_id, action, resource, reason FROM audit_log WHERE action = 'erase'")
    assert tuple(audited or ()) == (officer.member_id, "erase", "all", "written request of 2026-12-01")
