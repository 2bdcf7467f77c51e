"""Consent over HTTP: current state and history, versioned choices, no-op repeats, and what other services hear."""

from __future__ import annotations

from typing import Any

import pytest

from membership.domain.access import Actor
from membership.service_layer.memberships import join

from ..conftest import Api, Person

GRANT_MATCHING = {"kind": "peer_matching", "granted": True, "version": "2026-01"}


async def announced(api: Api) -> Person:
    """A person who joined an association, so other services know them."""
    person = await api.person()
    await join(api.pool, Actor(member_id=person.member_id), await api.association())
    return person


async def ledger(api: Api, person: Person) -> list[tuple[str, bool, str]]:
    rows = await api.pool.fetch(
        "SELECT kind, granted, version FROM consents WHERE member_id = $1 ORDER BY id", person.member_id
    )
    return [(row["kind"], row["granted"], row["version"]) for row in rows]


async def test_a_new_person_has_answered_no_consent(api: Api) -> None:
    person = await api.person()

    response = await api.client.get("/me/consents", headers=person.headers)

    assert response.status_code == 200
    body = response.json()
    assert body["history"] == []
    assert [
        (c["kind"], c["granted"], c["version"], c["current_version"], c["needs_answer"]) for c in body["consents"]
    ] == [
        (kind, False, None, "2026-01", True)
        for kind in ("health_data", "peer_matching", "federation_matching", "email")
    ]


async def test_a_choice_is_recorded_once_and_published(api: Api) -> None:
    person = await announced(api)

    first = await api.client.post("/me/consents", json=GRANT_MATCHING, headers=person.headers)
    again = await api.client.post("/me/consents", json=GRANT_MATCHING, headers=person.headers)

    assert first.status_code == 201, first.text
    assert again.status_code == 200
    assert again.json() == first.json()
    assert {k: first.json()[k] for k in ("kind", "granted", "version")} == GRANT_MATCHING
    assert await ledger(api, person) == [("peer_matching", True, "2026-01")]
    [message] = await api.messages("member.consent_changed")
    assert message["association_id"] is None
    assert message["data"] == {"member_id": str(person.member_id), **GRANT_MATCHING}
    state = {c["kind"]: c for c in (await api.client.get("/me/consents", headers=person.headers)).json()["consents"]}
    assert state["peer_matching"]["granted"] is True
    assert state["peer_matching"]["needs_answer"] is False
    assert state["peer_matching"]["recorded_at"] == first.json()["recorded_at"]


async def test_withdrawing_appends_to_the_history(api: Api) -> None:
    person = await announced(api)
    await api.client.post("/me/consents", json=GRANT_MATCHING, headers=person.headers)

    response = await api.client.post("/me/consents", json={**GRANT_MATCHING, "granted": False}, headers=person.headers)

    assert response.status_code == 201
    body = (await api.client.get("/me/consents", headers=person.headers)).json()
    assert [(h["kind"], h["granted"]) for h in body["history"]] == [("peer_matching", True), ("peer_matching", False)]
    state = {c["kind"]: c for c in body["consents"]}
    assert state["peer_matching"]["granted"] is False
    assert [m["data"]["granted"] for m in await api.messages("member.consent_changed")] == [True, False]


async def test_choices_of_a_person_no_one_else_knows_are_not_published(api: Api) -> None:
    person = await api.person()

    response = await api.client.post("/me/consents", json=GRANT_MATCHING, headers=person.headers)

    assert response.status_code == 201
    assert await ledger(api, person) == [("peer_matching", True, "2026-01")]
    assert await api.messages() == []


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        ({**GRANT_MATCHING, "version": "2025-01"}, 422, "current version of the 'peer_matching' consent is '2026-01'"),
        ({**GRANT_MATCHING, "kind": "marketing"}, 400, "health_data"),
        ({**GRANT_MATCHING, "granted": "maybe"}, 400, "granted"),
        ({"kind": "email", "granted": True}, 400, "version"),
        ({**GRANT_MATCHING, "by": "someone else"}, 400, "by"),
    ],
)
async def test_a_bad_choice_is_refused_and_nothing_is_recorded(
    api: Api, body: dict[str, Any], status: int, problem: str
) -> None:
    person = await announced(api)

    response = await api.client.post("/me/consents", json=body, headers=person.headers)

    assert response.status_code == status
    assert problem in response.text
    assert await ledger(api, person) == []
    assert await api.messages("member.consent_changed") == []


async def test_a_person_sees_only_their_own_consents(api: Api) -> None:
    amina = await api.person()
    await api.client.post("/me/consents", json=GRANT_MATCHING, headers=amina.headers)
    bruno = await api.person()

    body = (await api.client.get("/me/consents", headers=bruno.headers)).json()

    assert body["history"] == []
    assert (await api.client.post("/me/consents", json=GRANT_MATCHING)).status_code == 401
