"""An admin imports members from a CSV file: all rows or none, every error located, each person announced."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ..conftest import Api, Person

HEADER = "email,display_name,locale,time_zone,languages,birth_year,gender,kind,roles"
GOOD = [
    "amina@example.org,Amina Diallo,fr,Europe/Paris,fr en,1979,female,patient,member;mentor",
    "Lucas@Example.org,Lucas Martin,,,fr,,,,",
    'grace@example.org,"Okafor, Grace",en,Europe/London,en;fr,1985,female,caregiver,',
    "tom@example.org,Tom Becker,en,America/New_York,en,1988,male,patient,hcp",
    "elise@example.org,Élise Moreau,fr,Europe/Paris,fr,,,caregiver,",
]
CSV = {"Content-Type": "text/csv"}


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


async def admin_of(api: Api, association_id: UUID) -> Person:
    return await api.member_of(association_id, roles=("member", "admin"))


async def upload(api: Api, association_id: UUID, caller: Person, body: bytes, **headers: str) -> Any:
    return await api.client.post(
        f"/associations/{association_id}/members/import", content=body, headers={**caller.headers, **CSV, **headers}
    )


async def account_count(api: Api) -> int:
    count: int = await api.pool.fetchval("SELECT count(*) FROM accounts")
    return count


async def invitation_token(api: Api, email: str) -> tuple[str, dict[str, Any]]:
    [mail] = [m["data"] for m in await api.messages("account.invited") if m["data"]["email"] == email]
    return mail["token"], mail


async def test_a_good_file_invites_every_address_and_links_nothing_before_they_accept(api: Api) -> None:
    association_id = await api.association(default_locale="fr", time_zone="Europe/Brussels", name="Rare Together")
    admin = await admin_of(api, association_id)
    before = await account_count(api)

    response = await upload(api, association_id, admin, csv_file(*GOOD))

    assert response.status_code == 201, response.text
    assert response.json()["invited"] == 5 and "member_ids" not in response.json()
    assert await account_count(api) == before, "no account is made for an address before its owner accepts"
    invited = await api.messages("account.invited")
    assert sorted(m["data"]["email"] for m in invited) == sorted(
        ["amina@example.org", "lucas@example.org", "grace@example.org", "tom@example.org", "elise@example.org"]
    )
    assert all(m["data"]["new_account"] and m["data"]["association_name"] == "Rare Together" for m in invited)
    assert await api.messages("member.joined") == []

    token, mail = await invitation_token(api, "lucas@example.org")
    no_password = await api.client.post("/invitations/accept", json={"token": token})
    assert no_password.status_code == 422 and "password" in no_password.json()["detail"]
    accepted = await api.client.post("/invitations/accept", json={"token": token, "password": "a long walk home"})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"association_id": str(association_id), "new_account": True}
    again = await api.client.post("/invitations/accept", json={"token": token, "password": "a long walk home"})
    assert again.status_code == 401, "an invitation works once"

    stored = await api.pool.fetchrow(
        "SELECT a.member_id, a.display_name, a.locale, a.time_zone, m.roles, m.status"
        " FROM accounts a JOIN memberships m USING (member_id) WHERE a.email = 'lucas@example.org'"
    )
    assert dict(stored) == {
        "member_id": UUID(mail["member_id"]),
        "display_name": "Lucas Martin",
        "locale": "fr",  # empty cells take the association's locale and time zone
        "time_zone": "Europe/Brussels",
        "roles": ["member"],
        "status": "active",
    }
    [joined] = await api.messages("member.joined")
    assert joined["data"]["member_id"] == mail["member_id"] and joined["data"]["consents"] == []
    [contact] = await api.messages("contact.updated")
    assert contact["data"]["email"] == "lucas@example.org" and "Lucas" not in str(joined)
    login = {"email": "lucas@example.org", "password": "a long walk home"}
    assert (await api.client.post("/auth/login", json=login)).status_code == 200

    token, _ = await invitation_token(api, "amina@example.org")
    await api.client.post("/invitations/accept", json={"token": token, "password": "the sea at dawn again"})
    roles = await api.pool.fetchval(
        "SELECT roles FROM memberships JOIN accounts USING (member_id) WHERE email = 'amina@example.org'"
    )
    assert roles == ["member", "mentor"]


async def test_a_file_with_two_bad_rows_of_five_lists_both_and_stores_nothing(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    before = await account_count(api)
    rows = [
        GOOD[0],
        "not-an-address,Lucas Martin,,,fr,,,,",
        GOOD[2],
        "tom@example.org,Tom Becker,de,Mars/Olympus,english,1788,robot,patient,owner",
        GOOD[4],
    ]

    response = await upload(api, association_id, admin, csv_file(*rows))

    assert response.status_code == 422, response.text
    body = response.json()
    assert "2 row(s)" in body["detail"] and "Nothing was imported" in body["detail"]
    errors = body["extra"]
    assert {e["row"] for e in errors} == {3, 5}
    assert {(e["row"], e["column"]) for e in errors} == {
        (3, "email"),
        (5, "locale"),
        (5, "time_zone"),
        (5, "languages"),
        (5, "birth_year"),
        (5, "gender"),
        (5, "roles"),
    }
    assert all(e["message"] for e in errors)
    assert await account_count(api) == before
    assert await api.messages() == []


async def test_repeated_addresses_are_refused(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)

    response = await upload(
        api, association_id, admin, csv_file(GOOD[0], GOOD[1], "AMINA@example.org,Amina Again,,,,,,,")
    )

    assert response.status_code == 422
    [error] = response.json()["extra"]
    assert (error["row"], error["column"]) == (4, "email") and "row 2" in error["message"]
    assert await api.messages() == []


async def test_an_address_with_an_account_answers_the_same_and_joins_only_when_its_owner_accepts(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    grace = await api.person(email="grace@example.org", display_name="Grace O.")
    fresh = await upload(api, association_id, admin, csv_file(GOOD[0]))
    known = await upload(api, association_id, admin, csv_file(GOOD[2]))

    assert (known.status_code, known.json()) == (fresh.status_code, fresh.json()), "the answer reveals no account"
    token, mail = await invitation_token(api, "grace@example.org")
    assert mail["member_id"] == str(grace.member_id) and not mail["new_account"]
    members = await api.client.get(f"/associations/{association_id}/members", headers=admin.headers)
    assert "Grace" not in members.text, "the admin sees no one who has not accepted"

    accepted = await api.client.post("/invitations/accept", json={"token": token})

    assert accepted.status_code == 200 and accepted.json()["new_account"] is False
    account = await api.pool.fetchrow(
        "SELECT display_name, password_hash IS NOT NULL AS has_password FROM accounts WHERE member_id = $1",
        grace.member_id,
    )
    assert dict(account) == {"display_name": "Grace O.", "has_password": True}, "the file changes nothing of hers"
    assert (
        await api.client.post("/auth/login", json={"email": grace.email, "password": grace.password})
    ).status_code == 200
    members = await api.client.get(f"/associations/{association_id}/members", headers=admin.headers)
    assert "Grace O." in members.text


async def test_unknown_and_missing_columns_are_named(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)

    unknown = await upload(api, association_id, admin, csv_file("a@example.org,A,x", header="email,display_name,phone"))
    missing = await upload(api, association_id, admin, csv_file("a@example.org,fr", header="email,locale"))
    empty = await upload(api, association_id, admin, b"")
    only_header = await upload(api, association_id, admin, csv_file())

    assert unknown.status_code == 422
    assert [(e["row"], e["column"]) for e in unknown.json()["extra"]] == [(1, "phone")]
    assert "header" in unknown.json()["detail"]
    assert missing.status_code == 422
    assert [(e["column"], e["message"]) for e in missing.json()["extra"]] == [
        ("display_name", "this column is required")
    ]
    assert empty.status_code == 422 and only_header.status_code == 422
    assert await api.messages() == []


async def test_only_an_admin_of_the_association_imports_and_only_csv(api: Api) -> None:
    association_id = await api.association()
    member = await api.member_of(association_id)
    other_admin = await admin_of(api, await api.association())
    federation = await api.federation_admin()
    admin = await admin_of(api, association_id)
    before = await account_count(api)

    for caller in (member, other_admin, federation):
        assert (await upload(api, association_id, caller, csv_file(*GOOD))).status_code == 403
    as_json = await upload(
        api, association_id, admin, b'{"email": "a@example.org"}', **{"Content-Type": "application/json"}
    )
    not_utf8 = await upload(api, association_id, admin, csv_file(GOOD[0]).replace(b"Amina", "Amïna".encode("latin-1")))

    assert as_json.status_code == 415
    assert not_utf8.status_code == 422 and "UTF-8" in not_utf8.json()["detail"]
    assert await account_count(api) == before
    assert await api.messages() == []


async def test_the_route_takes_files_up_to_five_mebibytes(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    long_name = "x" * (2 * 1024 * 1024)  # over the 1 MiB default, far over a display name's limit

    large = await upload(api, association_id, admin, csv_file(f"a@example.org,{long_name},,,,,,,"))
    too_large = await upload(api, association_id, admin, b"x" * (5 * 1024 * 1024 + 1))

    assert large.status_code == 422
    assert [e["row"] for e in large.json()["extra"]] == [2]
    assert too_large.status_code == 413
