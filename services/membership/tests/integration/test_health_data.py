"""Health data over HTTP: the ICD-10 reference, a person's conditions and health notes; consent, audit, messages, logs."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import pytest

from membership.adapters import mentors
from membership.domain.access import Actor
from membership.domain.mentors import MentorApplication
from membership.service_layer.memberships import join

from ..conftest import Api, Person

MIGRAINE = [{"code": "g431", "diagnosed_year": 2015}, {"code": "M79.7", "diagnosed_year": 2019}]


async def consent_to_health_data(api: Api, person: Person, granted: bool = True) -> None:
    body = {"kind": "health_data", "granted": granted, "version": "2026-01"}
    response = await api.client.post("/me/consents", json=body, headers=person.headers)
    assert response.status_code == 201, response.text


async def announced(api: Api, **profile: Any) -> Person:
    """A person who joined an association, so other services know them."""
    person = await api.person(**profile)
    await join(api.pool, Actor(member_id=person.member_id), await api.association())
    return person


async def stored_codes(api: Api, person: Person) -> list[str]:
    rows = await api.pool.fetch(
        "SELECT code FROM member_conditions WHERE member_id = $1 ORDER BY code", person.member_id
    )
    return [row["code"] for row in rows]


async def audit_of(api: Api, person: Person) -> list[tuple[UUID, str, str, UUID | None]]:
    rows = await api.pool.fetch(
        "SELECT actor_id, action, resource, association_id FROM audit_log WHERE subject_id = $1 ORDER BY id",
        person.member_id,
    )
    return [(row["actor_id"], row["action"], row["resource"], row["association_id"]) for row in rows]


# The ICD-10 reference


async def test_anyone_can_search_the_classification_by_words_or_code(api: Api) -> None:
    response = await api.client.get("/conditions/search", params={"q": "classical migraine"})
    assert response.status_code == 200, response.text
    assert response.json()[0] == {
        "code": "G43.1",
        "description": "Migraine with aura [classical migraine]",
        "chapter": "VI",
        "block": "G40-G47",
        "category": "G43",
    }
    by_code = await api.client.get("/conditions/search", params={"q": "G43", "limit": 2})
    assert [c["code"] for c in by_code.json()] == ["G43", "G43.0"]


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({}, "give a code"),
        ({"q": "  "}, "give a code"),
        ({"q": "x" * 101}, "at most 100"),
        ({"q": "a", "limit": 0}, "limit"),
    ],
)
async def test_a_search_without_a_short_query_is_refused(api: Api, params: dict[str, Any], problem: str) -> None:
    response = await api.client.get("/conditions/search", params=params)
    assert response.status_code == 422
    assert problem in response.json()["detail"]


async def test_one_code_is_looked_up_and_unknown_codes_are_not_found(api: Api) -> None:
    response = await api.client.get("/conditions/g431")
    assert response.status_code == 200
    assert response.json()["code"] == "G43.1"
    for unknown in ("Q99.99", "G40-G47", "migraine"):
        response = await api.client.get(f"/conditions/{unknown}")
        assert response.status_code == 404
        assert "not an ICD-10 category or subcategory" in response.json()["detail"]


# Conditions


async def test_recording_conditions_needs_the_health_data_consent_first(api: Api) -> None:
    person = await announced(api)

    response = await api.client.put("/me/conditions", json={"conditions": MIGRAINE}, headers=person.headers)

    assert response.status_code == 409
    assert "health_data" in response.json()["detail"]
    assert await stored_codes(api, person) == []
    assert await api.messages("member.conditions_changed") == []


async def test_conditions_are_stored_audited_and_published_as_codes(api: Api) -> None:
    person = await announced(api)
    await consent_to_health_data(api, person)

    response = await api.client.put("/me/conditions", json={"conditions": MIGRAINE}, headers=person.headers)

    assert response.status_code == 200, response.text
    expected = [{"code": "G43.1", "diagnosed_year": 2015}, {"code": "M79.7", "diagnosed_year": 2019}]
    assert response.json() == {"conditions": expected}
    assert (await api.client.get("/me/conditions", headers=person.headers)).json() == {"conditions": expected}
    [message] = await api.messages("member.conditions_changed")
    assert message["subject"] == str(person.member_id)
    assert message["association_id"] is None
    assert message["data"]["conditions"] == ["G43.1", "M79.7"]
    assert message["data"]["diagnosed_in"] == {"G43.1": 2015, "M79.7": 2019}
    me = person.member_id
    assert await audit_of(api, person) == [(me, "change", "conditions", None), (me, "read", "conditions", None)]


async def test_conditions_of_a_person_no_one_else_knows_are_not_published(api: Api) -> None:
    person = await api.person()
    await consent_to_health_data(api, person)

    response = await api.client.put("/me/conditions", json={"conditions": MIGRAINE}, headers=person.headers)

    assert response.status_code == 200
    assert await stored_codes(api, person) == ["G43.1", "M79.7"]
    assert await api.messages("member.conditions_changed") == []


@pytest.mark.parametrize(
    ("conditions", "problem"),
    [
        ([{"code": "G40-G47", "diagnosed_year": 2015}], "not an ICD-10 category or subcategory"),
        ([{"code": "G43", "diagnosed_year": 2015}, {"code": "g43", "diagnosed_year": 2016}], "repeated: G43"),
        ([{"code": "G43", "diagnosed_year": 1850}], "year of diagnosis"),
        ([{"code": "G43", "diagnosed_year": 2015, "note": "bad days"}], "note"),
        ([{"code": f"G43.{i}", "diagnosed_year": 2015} for i in range(21)], "at most 20"),
        ([{"code": "G43", "diagnosed_year": 1979}], "before your birth year 1980"),
    ],
)
async def test_bad_conditions_are_refused_and_nothing_is_stored(
    api: Api, conditions: list[dict[str, Any]], problem: str
) -> None:
    person = await api.person(birth_year=1980)
    await consent_to_health_data(api, person)

    response = await api.client.put("/me/conditions", json={"conditions": conditions}, headers=person.headers)

    assert 400 <= response.status_code < 500
    assert problem in response.text
    assert await stored_codes(api, person) == []


async def test_conditions_can_be_cleared_without_consent(api: Api) -> None:
    person = await api.person()
    await consent_to_health_data(api, person)
    await api.client.put("/me/conditions", json={"conditions": MIGRAINE}, headers=person.headers)
    await consent_to_health_data(api, person, granted=False)

    refused = await api.client.put("/me/conditions", json={"conditions": MIGRAINE[:1]}, headers=person.headers)
    cleared = await api.client.put("/me/conditions", json={"conditions": []}, headers=person.headers)

    assert refused.status_code == 409
    assert cleared.status_code == 200
    assert await stored_codes(api, person) == []


async def test_a_mentor_keeps_the_conditions_they_mentor_for(api: Api) -> None:
    association_id = await api.association(name="Migraine Action")
    person = await api.member_of(association_id)
    await consent_to_health_data(api, person)
    await api.client.put("/me/conditions", json={"conditions": MIGRAINE}, headers=person.headers)
    application = MentorApplication(conditions=["G43.1"], modalities=["video"])
    async with api.pool.acquire() as conn:
        await mentors.upsert_application(conn, person.member_id, association_id, application)

    response = await api.client.put("/me/conditions", json={"conditions": MIGRAINE[1:]}, headers=person.headers)

    assert response.status_code == 409
    assert "you mentor for G43.1 in Migraine Action" in response.json()["detail"]
    assert await stored_codes(api, person) == ["G43.1", "M79.7"]
    async with api.pool.acquire() as conn:
        await mentors.decide(conn, person.member_id, association_id, "rejected", person.member_id, None)
    response = await api.client.put("/me/conditions", json={"conditions": MIGRAINE[1:]}, headers=person.headers)
    assert response.status_code == 200


async def test_a_person_sees_only_their_own_conditions(api: Api) -> None:
    amina = await api.person()
    await consent_to_health_data(api, amina)
    await api.client.put("/me/conditions", json={"conditions": MIGRAINE}, headers=amina.headers)
    bruno = await api.person()

    response = await api.client.get("/me/conditions", headers=bruno.headers)

    assert response.json() == {"conditions": []}
    assert (await api.client.get("/me/conditions")).status_code == 401


# Health notes


async def test_health_notes_are_kept_read_and_cleared_but_never_published(api: Api) -> None:
    person = await announced(api)
    await consent_to_health_data(api, person)
    notes = "Worse after night shifts; triptan helps."

    stored = await api.client.put("/me/health-notes", json={"notes": f"  {notes} "}, headers=person.headers)
    read = await api.client.get("/me/health-notes", headers=person.headers)
    cleared = await api.client.put("/me/health-notes", json={"notes": None}, headers=person.headers)

    assert stored.json() == read.json() == {"notes": notes}
    assert cleared.json() == {"notes": None}
    assert (await api.client.get("/me/health-notes", headers=person.headers)).json() == {"notes": None}
    assert all("triptan" not in str(message) for message in await api.messages())
    actions = [(action, resource) for _, action, resource, _ in await audit_of(api, person)]
    assert actions == [("change", "health_notes"), ("read", "health_notes")] * 2


async def test_keeping_health_notes_needs_consent(api: Api) -> None:
    person = await api.person()

    response = await api.client.put("/me/health-notes", json={"notes": "bad days"}, headers=person.headers)

    assert response.status_code == 409
    assert "health_data" in response.json()["detail"]
    assert (await api.client.get("/me/health-notes", headers=person.headers)).json() == {"notes": None}


@pytest.mark.parametrize(
    ("body", "problem"), [({"notes": "x" * 4001}, "4000"), ({}, "notes"), ({"notes": "ok", "mood": "low"}, "mood")]
)
async def test_bad_health_notes_are_refused_and_nothing_is_stored(api: Api, body: dict[str, Any], problem: str) -> None:
    person = await api.person()
    await consent_to_health_data(api, person)

    response = await api.client.put("/me/health-notes", json=body, headers=person.headers)

    assert 400 <= response.status_code < 500
    assert problem in response.text
    assert await api.pool.fetchval("SELECT health_notes FROM accounts WHERE member_id = $1", person.member_id) is None


async def test_health_values_never_reach_the_logs(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    person = await announced(api)
    await consent_to_health_data(api, person)
    caplog.set_level(logging.DEBUG)

    await api.client.put("/me/health-notes", json={"notes": "secret-note-zebra"}, headers=person.headers)
    await api.client.get("/me/health-notes", headers=person.headers)
    await api.client.put("/me/conditions", json={"conditions": MIGRAINE}, headers=person.headers)
    await api.client.get("/me/conditions", headers=person.headers)
    await api.client.put("/me/health-notes", json={"notes": "secret-note-zebra" * 500}, headers=person.headers)
    bad = [{"code": "G43.1", "diagnosed_year": 1850}]
    await api.client.put("/me/conditions", json={"conditions": bad}, headers=person.headers)

    assert caplog.records, "expected some log records to check"
    logged = caplog.text + " ".join(str(vars(record)) for record in caplog.records)
    for value in ("secret-note-zebra", "G43.1", "M79.7", "1850"):
        assert value not in logged
