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


async def test_a_good_file_creates_every_member_announced_without_a_password(api: Api) -> None:
    association_id = await api.association(default_locale="fr", time_zone="Europe/Brussels")
    admin = await admin_of(api, association_id)

    response = await upload(api, association_id, admin, csv_file(*GOOD))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["imported"] == 5 and len(body["member_ids"]) == 5
    assert "password" in body["note"]
    rows = await api.pool.fetch(
        "SELECT a.email, a.display_name, a.locale, a.time_zone, a.languages, a.is_caregiver, a.password_hash,"
        " m.roles, m.status FROM accounts a JOIN memberships m USING (member_id)"
        " WHERE m.association_id = $1 AND a.member_id = ANY($2::uuid[]) ORDER BY a.email",
        association_id,
        [UUID(i) for i in body["member_ids"]],
    )
    stored = {row["email"]: dict(row) for row in rows}
    assert sorted(stored) == sorted(
        ["amina@example.org", "lucas@example.org", "grace@example.org", "tom@example.org", "elise@example.org"]
    )
    assert all(row["password_hash"] is None and row["status"] == "active" for row in stored.values())
    assert stored["amina@example.org"]["roles"] == ["member", "mentor"]
    assert stored["tom@example.org"]["roles"] == ["member", "hcp"]
    assert stored["grace@example.org"]["display_name"] == "Okafor, Grace"
    assert stored["grace@example.org"]["languages"] == ["en", "fr"] and stored["grace@example.org"]["is_caregiver"]
    # empty cells take the association's locale and time zone
    assert (stored["lucas@example.org"]["locale"], stored["lucas@example.org"]["time_zone"]) == (
        "fr",
        "Europe/Brussels",
    )

    joined = await api.messages("member.joined")
    assert sorted(m["data"]["member_id"] for m in joined) == sorted(body["member_ids"])
    assert all(m["data"]["consents"] == [] for m in joined)  # nobody consented to anything yet
    member_topic = str(await api.messages())
    contacts = await api.messages("contact.updated")
    assert sorted(c["data"]["email"] for c in contacts) == sorted(stored)
    assert "Amina" not in str(joined) and "amina@example.org" not in str(joined)
    assert "Okafor" in member_topic  # only on the contact topic
    assert all(c["topic"] == "membership.contact.v1" for c in contacts)

    login = await api.client.post("/auth/login", json={"email": "amina@example.org", "password": "anything at all"})
    assert login.status_code == 401


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


async def test_repeated_and_already_registered_addresses_are_refused(api: Api) -> None:
    association_id = await api.association()
    admin = await admin_of(api, association_id)
    await api.person(email="grace@example.org")
    before = await account_count(api)

    response = await upload(
        api, association_id, admin, csv_file(GOOD[0], GOOD[1], GOOD[2], "AMINA@example.org,Amina Again,,,,,,,")
    )

    assert response.status_code == 422
    errors = response.json()["extra"]
    assert [(e["row"], e["column"]) for e in errors] == [(4, "email"), (5, "email")]
    assert "already has an account" in errors[0]["message"]
    assert "row 2" in errors[1]["message"]
    assert await account_count(api) == before
    assert await api.messages() == []


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
