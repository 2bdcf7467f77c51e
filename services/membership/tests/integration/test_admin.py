"""An association admin's member directory, approvals, roles, renewals and audit trail, and who may not use them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from membership.adapters import audit

from ..conftest import Api, Person


async def admin_of(api: Api, association_id: UUID, **profile: Any) -> Person:
    return await api.member_of(association_id, roles=("member", "admin"), **profile)


async def pending_member(api: Api, association_id: UUID, **profile: Any) -> Person:
    person = await api.person(**profile)
    response = await api.client.post(f"/associations/{association_id}/join", headers=person.headers)
    assert response.json()["status"] == "pending", response.text
    return person


async def stored_roles(api: Api, person: Person, association_id: UUID) -> list[str]:
    roles: list[str] = await api.pool.fetchval(
        "SELECT roles FROM memberships WHERE member_id = $1 AND association_id = $2", person.member_id, association_id
    )
    return roles


# -- the directory -------------------------------------------------------------------------------


async def test_the_directory_pages_searches_and_filters_without_health_data(api: Api) -> None:
    association_id = await api.association(requires_approval=True)
    admin = await admin_of(api, association_id, display_name="Zoé Admin")
    amina = await api.member_of(association_id, display_name="Amina Diallo", email="amina@example.org")
    await api.member_of(association_id, roles=("member", "mentor"), display_name="Grace Okafor")
    await pending_member(api, association_id, display_name="Hugo Lefebvre", email="hugo.l@example.org")
    await api.member_of(await api.association(), display_name="Amina Elsewhere")  # another association
    path = f"/associations/{association_id}/members"

    first = await api.client.get(path, params={"page_size": 2}, headers=admin.headers)
    second = await api.client.get(path, params={"page_size": 2, "page": 2}, headers=admin.headers)

    assert first.status_code == 200, first.text
    assert first.json()["total"] == 4
    names = [m["display_name"] for m in first.json()["items"] + second.json()["items"]]
    assert names == ["Amina Diallo", "Grace Okafor", "Hugo Lefebvre", "Zoé Admin"]
    item = first.json()["items"][0]
    assert set(item) == {
        "member_id",
        "association_id",
        "display_name",
        "email",
        "roles",
        "status",
        "requested_at",
        "joined_at",
        "left_at",
        "renewed_on",
        "expires_on",
    }
    assert item["member_id"] == str(amina.member_id) and item["email"] == "amina@example.org"

    async def names_for(**params: Any) -> list[str]:
        response = await api.client.get(path, params=params, headers=admin.headers)
        assert response.status_code == 200, response.text
        return [m["display_name"] for m in response.json()["items"]]

    assert await names_for(q="AMINA") == ["Amina Diallo"]
    assert await names_for(q="hugo.L@EXAMPLE") == ["Hugo Lefebvre"]
    assert await names_for(q="100%_") == []
    assert await names_for(status="pending") == ["Hugo Lefebvre"]
    assert await names_for(role="mentor") == ["Grace Okafor"]
    assert await names_for(status="active", role="admin") == ["Zoé Admin"]
    for bad in ({"status": "gone"}, {"role": "owner"}, {"page": 0}, {"page_size": 101}, {"q": "a\x00b"}):
        assert (await api.client.get(path, params=bad, headers=admin.headers)).status_code == 400


async def test_one_member_as_the_admin_sees_them(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    member = await api.member_of(association_id, display_name="Lucas")

    response = await api.client.get(f"/associations/{association_id}/members/{member.member_id}", headers=admin.headers)

    assert response.status_code == 200
    assert response.json()["display_name"] == "Lucas" and response.json()["status"] == "active"


async def test_members_and_federation_admins_do_not_read_the_directory(api: Api) -> None:
    association_id = await api.association()
    member = await api.member_of(association_id)
    federation = await api.federation_admin()
    path = f"/associations/{association_id}/members"

    for caller in (member, federation):
        assert (await api.client.get(path, headers=caller.headers)).status_code == 403
        assert (await api.client.get(f"{path}/{member.member_id}", headers=caller.headers)).status_code == 403
    assert (await api.client.get(path)).status_code == 401


async def test_an_admin_of_a_reaches_none_of_bs_members(api: Api) -> None:
    a, b = await api.association(name="Assoc A"), await api.association(name="Assoc B", requires_approval=True)
    admin_a = await admin_of(api, a)
    member_b = await pending_member(api, b)
    on_b = f"/associations/{b}/members/{member_b.member_id}"
    on_a = f"/associations/{a}/members/{member_b.member_id}"

    assert (await api.client.get(f"/associations/{b}/members", headers=admin_a.headers)).status_code == 403
    assert (await api.client.get(on_b, headers=admin_a.headers)).status_code == 403
    assert (await api.client.post(f"{on_b}/approve", headers=admin_a.headers)).status_code == 403
    roles = {"roles": ["member", "admin"]}
    assert (await api.client.put(f"{on_b}/roles", json=roles, headers=admin_a.headers)).status_code == 403
    assert (await api.client.get(on_a, headers=admin_a.headers)).status_code == 404
    assert (await api.client.post(f"{on_a}/approve", headers=admin_a.headers)).status_code == 404
    assert (await api.client.put(f"{on_a}/roles", json=roles, headers=admin_a.headers)).status_code == 404
    renewal = {"renewed_on": "2026-01-01", "expires_on": "2027-01-01"}
    assert (await api.client.put(f"{on_a}/renewal", json=renewal, headers=admin_a.headers)).status_code == 404
    stored = await api.pool.fetchrow(
        "SELECT status, roles, expires_on FROM memberships WHERE member_id = $1", member_b.member_id
    )
    assert stored is not None and dict(stored) == {"status": "pending", "roles": ["member"], "expires_on": None}
    assert await api.messages() == []


# -- approvals -----------------------------------------------------------------------------------


async def test_approving_a_pending_member_activates_and_announces_them(api: Api) -> None:
    association_id = await api.association(requires_approval=True, federation_matching=True)
    admin = await admin_of(api, association_id)
    hugo = await pending_member(api, association_id, display_name="Hugo", time_zone="Europe/Paris", languages=["fr"])
    path = f"/associations/{association_id}/members/{hugo.member_id}/approve"

    response = await api.client.post(path, headers=admin.headers)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "active" and response.json()["joined_at"]
    [joined] = await api.messages("member.joined")
    assert joined["topic"] == "membership.member.v1"
    assert joined["association_id"] == str(association_id)
    data = joined["data"]
    assert data["member_id"] == str(hugo.member_id) and data["time_zone"] == "Europe/Paris"
    assert data["languages"] == ["fr"] and data["federation_matching_allowed"] is True
    assert "Hugo" not in str(joined) and hugo.email not in str(joined)
    [contact] = await api.messages("contact.updated")
    assert contact["topic"] == "membership.contact.v1" and contact["data"]["email"] == hugo.email
    again = await api.client.post(path, headers=admin.headers)
    assert again.status_code == 409
    assert len(await api.messages("member.joined")) == 1


async def test_a_member_cannot_approve(api: Api) -> None:
    association_id = await api.association(requires_approval=True)
    member = await api.member_of(association_id)
    hugo = await pending_member(api, association_id)

    response = await api.client.post(
        f"/associations/{association_id}/members/{hugo.member_id}/approve", headers=member.headers
    )

    assert response.status_code == 403
    assert await api.messages() == []


# -- roles ---------------------------------------------------------------------------------------


async def test_changing_roles_publishes_them(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    member = await api.member_of(association_id)
    path = f"/associations/{association_id}/members/{member.member_id}/roles"

    response = await api.client.put(path, json={"roles": ["hcp", "member"]}, headers=admin.headers)

    assert response.status_code == 200, response.text
    assert response.json()["roles"] == ["member", "hcp"]
    [changed] = await api.messages("member.roles_changed")
    assert changed["data"] == {
        "member_id": str(member.member_id),
        "association_id": str(association_id),
        "roles": ["member", "hcp"],
        "changed_by": str(admin.member_id),
        "admin_ids": [str(admin.member_id)],  # the admins are told of every role change
    }
    unchanged = await api.client.put(path, json={"roles": ["member", "hcp"]}, headers=admin.headers)
    assert unchanged.status_code == 200
    assert len(await api.messages("member.roles_changed")) == 1
    moderator = await api.client.put(path, json={"roles": ["member", "moderator"]}, headers=admin.headers)
    assert moderator.status_code == 200 and moderator.json()["roles"] == ["member", "moderator"], moderator.text


async def test_bad_roles_are_refused_and_nothing_changes(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    member = await api.member_of(association_id)
    path = f"/associations/{association_id}/members/{member.member_id}/roles"

    for bad in (
        {"roles": ["mentor"]},
        {"roles": ["member", "owner"]},
        {"roles": ["member", "member"]},
        {"roles": []},
        {},
    ):
        response = await api.client.put(path, json=bad, headers=admin.headers)
        assert response.status_code == 400, (bad, response.text)
    assert "member" in str((await api.client.put(path, json={"roles": ["mentor"]}, headers=admin.headers)).json())
    assert await stored_roles(api, member, association_id) == ["member"]
    assert await api.messages() == []


async def test_the_last_admin_cannot_drop_their_own_admin_role(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    path = f"/associations/{association_id}/members/{admin.member_id}/roles"

    refused = await api.client.put(path, json={"roles": ["member"]}, headers=admin.headers)

    assert refused.status_code == 409
    assert "last admin" in refused.json()["detail"]
    assert await stored_roles(api, admin, association_id) == ["member", "admin"]
    await admin_of(api, association_id)
    allowed = await api.client.put(path, json={"roles": ["member"]}, headers=admin.headers)
    assert allowed.status_code == 200
    assert await stored_roles(api, admin, association_id) == ["member"]
    # and they are no admin any more: their token is over, and a new one does not make them one
    members = f"/associations/{association_id}/members"
    assert (await api.client.get(members, headers=admin.headers)).status_code == 401
    fresh = {"Authorization": f"Bearer {(await api.login(admin.email))['access_token']}"}
    assert (await api.client.get(members, headers=fresh)).status_code == 403


async def test_roles_of_a_membership_others_do_not_know_yet_are_not_published(api: Api) -> None:
    association_id = await api.association(requires_approval=True)
    admin = await admin_of(api, association_id)
    hugo = await pending_member(api, association_id)

    response = await api.client.put(
        f"/associations/{association_id}/members/{hugo.member_id}/roles",
        json={"roles": ["member", "hcp"]},
        headers=admin.headers,
    )

    assert response.status_code == 200
    assert await api.messages() == []


# -- renewals ------------------------------------------------------------------------------------


async def test_a_membership_reads_expired_after_its_expiry_date(api: Api) -> None:
    today = datetime.now(UTC).date()  # read when the test runs: a full run can cross midnight UTC
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    lapsed = await api.member_of(association_id, display_name="Lapsed")
    renewed = await api.member_of(association_id, display_name="Renewed")
    base = f"/associations/{association_id}/members"

    response = await api.client.put(
        f"{base}/{lapsed.member_id}/renewal",
        json={"renewed_on": str(today - timedelta(days=366)), "expires_on": str(today - timedelta(days=1))},
        headers=admin.headers,
    )
    await api.client.put(
        f"{base}/{renewed.member_id}/renewal",
        json={"renewed_on": str(today - timedelta(days=10)), "expires_on": str(today)},
        headers=admin.headers,
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "expired"
    assert response.json()["expires_on"] == str(today - timedelta(days=1))
    # the database filter and the domain rule agree: the last valid day still reads active
    expired = await api.client.get(base, params={"status": "expired"}, headers=admin.headers)
    active = await api.client.get(base, params={"status": "active"}, headers=admin.headers)
    assert [m["display_name"] for m in expired.json()["items"]] == ["Lapsed"]
    assert sorted(m["display_name"] for m in active.json()["items"]) == ["Renewed", "Test Person"]


async def test_a_renewal_must_end_after_it_starts(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    member = await api.member_of(association_id)
    path = f"/associations/{association_id}/members/{member.member_id}/renewal"

    for bad in (
        {"renewed_on": "2026-06-01", "expires_on": "2026-06-01"},
        {"renewed_on": "2026-06-01", "expires_on": "2025-06-01"},
        {"renewed_on": "2026-06-01"},
        {"renewed_on": "June", "expires_on": "2027-06-01"},
    ):
        response = await api.client.put(path, json=bad, headers=admin.headers)
        assert response.status_code == 400, (bad, response.text)
    assert (
        await api.client.put(
            path, json={"renewed_on": "2026-06-01", "expires_on": "2027-06-01"}, headers=member.headers
        )
    ).status_code == 403
    stored = await api.pool.fetchrow(
        "SELECT renewed_on, expires_on FROM memberships WHERE member_id = $1", member.member_id
    )
    assert stored is not None and stored["renewed_on"] is None and stored["expires_on"] is None


async def test_an_expired_admin_is_no_admin(api: Api) -> None:
    today = datetime.now(UTC).date()  # read when the test runs: a full run can cross midnight UTC
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    await api.pool.execute(
        "UPDATE memberships SET expires_on = $1 WHERE member_id = $2", today - timedelta(days=1), admin.member_id
    )

    response = await api.client.get(f"/associations/{association_id}/members", headers=admin.headers)

    assert response.status_code == 403


# -- audit trail ---------------------------------------------------------------------------------


async def test_the_audit_trail_shows_who_touched_health_data_newest_first_without_values(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    member = await api.member_of(association_id)
    async with api.pool.acquire() as conn:
        for action in ("read", "change", "read"):
            await audit.record(
                conn,
                actor_id=admin.member_id,
                subject_id=member.member_id,
                action=action,  # type: ignore[arg-type]
                resource="mentor_application",
                association_id=association_id,
            )
        await audit.record(
            conn,
            actor_id=admin.member_id,
            subject_id=member.member_id,
            action="read",
            resource="conditions",
            association_id=await api.association(),
        )
    path = f"/associations/{association_id}/audit"

    first = await api.client.get(path, params={"limit": 2}, headers=admin.headers)

    assert first.status_code == 200, first.text
    page = first.json()
    assert [e["action"] for e in page["items"]] == ["read", "change"]
    assert set(page["items"][0]) == {"id", "at", "actor_id", "subject_id", "action", "resource"}
    assert page["items"][0]["subject_id"] == str(member.member_id)
    rest = await api.client.get(path, params={"limit": 2, "before_id": page["next_before_id"]}, headers=admin.headers)
    assert [e["action"] for e in rest.json()["items"]] == ["read"]
    assert rest.json()["next_before_id"] is None
    federation = await api.federation_admin()
    for caller in (member, federation):
        assert (await api.client.get(path, headers=caller.headers)).status_code == 403
    assert (await api.client.get(path, params={"limit": 0}, headers=admin.headers)).status_code == 400


async def test_nobody_grants_a_role_to_themselves_and_every_role_change_is_audited(api: Api) -> None:
    association_id = await api.association()
    admin = await api.member_of(association_id, roles=("member", "admin"))
    federation_admin = await api.federation_admin()
    assert (
        await api.client.post(f"/associations/{association_id}/join", headers=federation_admin.headers)
    ).status_code == 201
    member = await api.member_of(association_id)

    own_mentor = await api.client.put(
        f"/associations/{association_id}/members/{admin.member_id}/roles",
        headers=admin.headers,
        json={"roles": ["member", "admin", "mentor"]},
    )
    self_appointed = await api.client.post(
        f"/associations/{association_id}/admins",
        headers=federation_admin.headers,
        json={"email": federation_admin.email},
    )
    for response in (own_mentor, self_appointed):
        assert response.status_code == 403 and "nobody grants a role to themselves" in response.json()["detail"]
    assert await api.pool.fetchval(
        "SELECT roles FROM memberships WHERE member_id = $1 AND association_id = $2",
        federation_admin.member_id,
        association_id,
    ) == ["member"]

    granted = await api.client.put(
        f"/associations/{association_id}/members/{member.member_id}/roles",
        headers=admin.headers,
        json={"roles": ["member", "mentor"]},
    )
    assert granted.status_code == 200, granted.text
    audited = await api.pool.fetch(
        "SELECT actor_id, subject_id, action, resource FROM audit_log WHERE resource = 'roles'"
    )
    assert [tuple(row) for row in audited] == [(admin.member_id, member.member_id, "change", "roles")]


async def test_losing_a_role_or_a_membership_ends_the_tokens_that_carry_it_everywhere(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    second = await api.person()
    joined = await api.client.post(f"/associations/{association_id}/join", headers=second.headers)
    assert joined.status_code == 201, joined.text
    appointed = await api.client.post(
        f"/associations/{association_id}/admins", json={"email": second.email}, headers=admin.headers
    )
    assert appointed.status_code == 200, appointed.text
    tokens = await api.login(second.email)
    as_admin = {"Authorization": f"Bearer {tokens['access_token']}"}
    members = f"/associations/{association_id}/members"
    assert (await api.client.get(members, headers=as_admin)).status_code == 200

    demoted = await api.client.put(
        f"{members}/{second.member_id}/roles", json={"roles": ["member"]}, headers=admin.headers
    )

    assert demoted.status_code == 200, demoted.text
    assert (await api.client.get(members, headers=as_admin)).status_code == 401, "the admin's token is over"
    revoked = [m["data"]["member_id"] for m in await api.messages("member.sessions_revoked")]
    assert revoked == [str(second.member_id)], "and every other service is told"
    # a refresh at once gives a token with what they still hold
    refreshed = await api.client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    as_member = {"Authorization": f"Bearer {refreshed.json()['access_token']}"}
    assert (await api.client.get(members, headers=as_member)).status_code == 403
    assert (await api.client.get("/me", headers=as_member)).status_code == 200

    left = await api.client.post(f"/associations/{association_id}/leave", headers=as_member)

    assert left.status_code == 204, left.text
    assert (await api.client.get("/me", headers=as_member)).status_code == 401
    assert len(await api.messages("member.sessions_revoked")) == 2
