"""A person's own account over HTTP: GET /me, profile edits, weekly availability; and what other services hear."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from membership.adapters import mentors
from membership.domain.access import Actor
from membership.domain.mentors import MentorApplication
from membership.service_layer.memberships import join

from ..conftest import Api, Person

EVENINGS = [{"weekday": 0, "start": "18:00", "end": "20:00"}, {"weekday": 2, "start": "22:00", "end": "00:00"}]


async def announced(api: Api, **profile: Any) -> Person:
    """A person who joined an association, so other services know them."""
    person = await api.person(**profile)
    await join(api.pool, Actor(member_id=person.member_id), await api.association())
    return person


async def stored_profile(api: Api, person: Person) -> dict[str, Any]:
    row = await api.pool.fetchrow(
        "SELECT display_name, locale, time_zone, languages, birth_year, gender, is_caregiver FROM accounts"
        " WHERE member_id = $1",
        person.member_id,
    )
    assert row is not None
    return {**dict(row), "languages": list(row["languages"])}


async def test_me_needs_a_token(api: Api) -> None:
    response = await api.client.get("/me")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


async def test_me_shows_the_account_and_memberships_with_their_status(api: Api) -> None:
    association_id = await api.association(name="Chronic Pain Alliance")
    person = await api.member_of(association_id, roles=("member", "mentor"), display_name="Amina", locale="fr")
    expired_id = await api.association(name="Old Friends")
    async with api.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO memberships (member_id, association_id, status, joined_at, expires_on)"
            " VALUES ($1, $2, 'active', now(), $3)",
            person.member_id,
            expired_id,
            datetime.now(UTC).date() - timedelta(days=1),
        )

    response = await api.client.get("/me", headers=person.headers)

    assert response.status_code == 200, response.text
    me = response.json()
    assert me["member_id"] == str(person.member_id)
    assert me["email"] == person.email
    assert me["profile"] == {
        "display_name": "Amina",
        "locale": "fr",
        "time_zone": "UTC",
        "languages": [],
        "birth_year": None,
        "gender": None,
        "kind": "patient",
    }
    summary = [(m["association_name"], m["roles"], m["status"]) for m in me["memberships"]]
    assert summary == [
        ("Chronic Pain Alliance", ["member", "mentor"], "active"),
        ("Old Friends", ["member"], "expired"),
    ]
    assert me["mentor_profiles"] == []
    assert await api.pool.fetchval("SELECT count(*) FROM audit_log") == 0


async def test_me_shows_mentor_profiles_and_audits_reading_their_conditions(api: Api) -> None:
    association_id = await api.association()
    person = await api.member_of(association_id)
    application = MentorApplication(conditions=["G43.1"], modalities=["video", "chat"], capacity=2)
    async with api.pool.acquire() as conn:
        await mentors.upsert_application(conn, person.member_id, association_id, application)

    me = (await api.client.get("/me", headers=person.headers)).json()

    [profile] = me["mentor_profiles"]
    assert (profile["association_id"], profile["status"], profile["conditions"]) == (
        str(association_id),
        "applied",
        ["G43.1"],
    )
    audited = await api.pool.fetch("SELECT actor_id, subject_id, association_id, action, resource FROM audit_log")
    assert [tuple(row) for row in audited] == [(person.member_id, person.member_id, None, "read", "mentor_application")]


async def test_a_profile_edit_changes_only_the_fields_given(api: Api) -> None:
    person = await api.person(display_name="Amina", time_zone="Europe/Paris", birth_year=1980, gender="female")

    response = await api.client.patch(
        "/me/profile", json={"languages": ["FR", "ar"], "kind": "caregiver", "gender": None}, headers=person.headers
    )

    assert response.status_code == 200, response.text
    expected = {
        "display_name": "Amina",
        "locale": "en",
        "time_zone": "Europe/Paris",
        "languages": ["fr", "ar"],
        "birth_year": 1980,
        "gender": None,
        "kind": "caregiver",
    }
    assert response.json() == expected
    assert (await api.client.get("/me", headers=person.headers)).json()["profile"] == expected


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"time_zone": "Mars/Olympus"}, "not an IANA time zone"),
        ({"languages": ["zz"]}, "not an ISO 639-1 language code"),
        ({"locale": "de"}, "'en' or 'fr'"),
        ({"birth_year": 1800}, "birth year must be between"),
        ({"display_name": None}, "display_name cannot be null"),
        ({"display_name": "  "}, "display_name"),
        ({"email": "new@example.org"}, "email"),
    ],
)
async def test_a_bad_profile_edit_is_refused_and_nothing_changes(api: Api, body: dict[str, Any], problem: str) -> None:
    person = await api.person(display_name="Amina")
    before = await stored_profile(api, person)

    response = await api.client.patch("/me/profile", json={"gender": "female", **body}, headers=person.headers)

    assert 400 <= response.status_code < 500
    assert problem in response.text
    assert await stored_profile(api, person) == before


async def test_a_birth_year_after_a_recorded_diagnosis_is_refused(api: Api) -> None:
    person = await api.person()
    await api.client.post(
        "/me/consents", json={"kind": "health_data", "granted": True, "version": "2026-01"}, headers=person.headers
    )
    await api.client.put(
        "/me/conditions", json={"conditions": [{"code": "G43", "diagnosed_year": 1995}]}, headers=person.headers
    )

    response = await api.client.patch("/me/profile", json={"birth_year": 2000}, headers=person.headers)

    assert response.status_code == 422
    assert "G43 (1995)" in response.json()["detail"]
    assert (await stored_profile(api, person))["birth_year"] is None


async def test_other_services_hear_only_of_the_fields_they_use(api: Api) -> None:
    person = await announced(api, display_name="Amina")
    contacts_at_join = len(await api.messages("contact.updated"))

    await api.client.patch(
        "/me/profile", json={"languages": ["fr"], "time_zone": "Europe/Paris"}, headers=person.headers
    )
    [updated] = await api.messages("member.profile_updated")
    assert updated["subject"] == str(person.member_id)
    assert updated["data"] == {
        "member_id": str(person.member_id),
        "languages": ["fr"],
        "time_zone": "Europe/Paris",
        "is_caregiver": False,
        "birth_year": None,
        "gender": None,
    }
    assert len(await api.messages("contact.updated")) == contacts_at_join

    await api.client.patch("/me/profile", json={"display_name": "Amina B.", "locale": "fr"}, headers=person.headers)
    assert len(await api.messages("member.profile_updated")) == 1
    contact = (await api.messages("contact.updated"))[-1]
    assert (contact["topic"], contact["data"]["display_name"], contact["data"]["locale"]) == (
        "membership.contact.v1",
        "Amina B.",
        "fr",
    )

    await api.client.patch(
        "/me/profile", json={"display_name": "Amina B.", "languages": ["fr"]}, headers=person.headers
    )
    assert len(await api.messages("member.profile_updated")) == 1
    assert len(await api.messages("contact.updated")) == contacts_at_join + 1


async def test_profile_edits_of_a_person_no_one_else_knows_are_not_published(api: Api) -> None:
    person = await api.person()

    response = await api.client.patch(
        "/me/profile", json={"display_name": "Bruno", "languages": ["it"]}, headers=person.headers
    )

    assert response.status_code == 200
    assert await api.messages() == []


# Availability


async def test_availability_is_stored_in_the_persons_time_zone_audited_and_published(api: Api) -> None:
    person = await announced(api, time_zone="Europe/Paris")

    response = await api.client.put("/me/availability", json={"windows": EVENINGS[::-1]}, headers=person.headers)

    assert response.status_code == 200, response.text
    expected = {
        "time_zone": "Europe/Paris",
        "windows": [
            {"weekday": 0, "start": "18:00:00", "end": "20:00:00"},
            {"weekday": 2, "start": "22:00:00", "end": "00:00:00"},
        ],
    }
    assert response.json() == expected
    assert (await api.client.get("/me/availability", headers=person.headers)).json() == expected
    [changed] = await api.messages("member.availability_changed")
    assert changed["data"]["time_zone"] == "Europe/Paris"
    assert changed["data"]["availability"] == expected["windows"]
    audited = await api.pool.fetch(
        "SELECT action, resource FROM audit_log WHERE subject_id = $1 ORDER BY id", person.member_id
    )
    assert [tuple(row) for row in audited] == [("change", "availability"), ("read", "availability")]


async def test_a_new_time_zone_travels_in_profile_updated_not_as_new_windows(api: Api) -> None:
    person = await announced(api)
    await api.client.put("/me/availability", json={"windows": EVENINGS}, headers=person.headers)

    await api.client.patch("/me/profile", json={"time_zone": "America/Montreal"}, headers=person.headers)

    assert (await api.messages("member.profile_updated"))[-1]["data"]["time_zone"] == "America/Montreal"
    assert len(await api.messages("member.availability_changed")) == 1
    read = (await api.client.get("/me/availability", headers=person.headers)).json()
    assert read["time_zone"] == "America/Montreal"


@pytest.mark.parametrize(
    ("windows", "problem"),
    [
        (
            [{"weekday": 0, "start": "18:00", "end": "20:00"}, {"weekday": 0, "start": "19:00", "end": "21:00"}],
            "overlap",
        ),
        ([{"weekday": 7, "start": "18:00", "end": "20:00"}], "weekday"),
        ([{"weekday": 0, "start": "18:00", "end": "18:10"}], "at least 30 minutes"),
        ([{"weekday": 0, "start": "25:00", "end": "26:00"}], "start"),
        ([{"weekday": d % 7, "start": f"{h:02}:00", "end": f"{h:02}:30"} for d in range(7) for h in range(5)], "28"),
    ],
)
async def test_bad_availability_is_refused_and_nothing_is_stored(
    api: Api, windows: list[dict[str, Any]], problem: str
) -> None:
    person = await announced(api)
    await api.client.put("/me/availability", json={"windows": EVENINGS}, headers=person.headers)

    response = await api.client.put("/me/availability", json={"windows": windows}, headers=person.headers)

    assert 400 <= response.status_code < 500
    assert problem in response.text
    stored = await api.pool.fetchval("SELECT count(*) FROM availability_windows WHERE member_id = $1", person.member_id)
    assert stored == len(EVENINGS)
    assert len(await api.messages("member.availability_changed")) == 1


async def test_a_person_sees_only_their_own_availability(api: Api) -> None:
    amina = await api.person(time_zone="Europe/Paris")
    await api.client.put("/me/availability", json={"windows": EVENINGS}, headers=amina.headers)
    bruno = await api.person()

    response = await api.client.get("/me/availability", headers=bruno.headers)

    assert response.json() == {"time_zone": "UTC", "windows": []}
