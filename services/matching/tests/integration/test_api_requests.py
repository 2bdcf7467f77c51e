"""Requests over HTTP: a member asks for a mentor, follows the request and cancels it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from .conftest import Api, Member

PREFERENCES = {"gender": "female", "age_band": {"youngest": 30, "oldest": 50}, "modality": "video"}


async def requests_of(api: Api, member: Member) -> list[dict[str, Any]]:
    return [dict(row) for row in await api.pool.fetch("SELECT * FROM requests WHERE mentee_id = $1", member.member_id)]


async def test_a_member_asks_for_a_mentor(api: Api) -> None:
    mentee = await api.member()

    response = await api.client.post(
        "/requests",
        json={"association_id": str(mentee.association_id), "preferences": PREFERENCES},
        headers=mentee.headers,
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "open" and body["association_id"] == str(mentee.association_id)
    assert body["preferences"]["age_band"] == {"youngest": 30, "oldest": 50}
    assert body["preferences"]["gender"] == "female" and body["preferences"]["caregiver_for_caregiver"] is True
    [row] = await requests_of(api, mentee)
    assert row["request_id"] == UUID(body["request_id"]) and row["status"] == "open"
    [message] = await api.messages()
    assert message["event_type"] == "request.created" and message["topic"] == "matching.match.v1"
    assert message["subject"] == str(mentee.member_id)
    assert message["data"]["request_id"] == body["request_id"]


async def test_preferences_are_optional(api: Api) -> None:
    mentee = await api.member()

    response = await api.client.post(
        "/requests", json={"association_id": str(mentee.association_id)}, headers=mentee.headers
    )

    assert response.status_code == 201, response.text
    assert response.json()["preferences"]["gender"] is None


async def test_one_live_request_per_association(api: Api) -> None:
    mentee = await api.member()
    body = {"association_id": str(mentee.association_id)}
    first = await api.client.post("/requests", json=body, headers=mentee.headers)

    again = await api.client.post("/requests", json=body, headers=mentee.headers)

    assert again.status_code == 409
    assert "already have a live request" in again.json()["detail"]
    assert again.json()["extra"] == {"request_id": first.json()["request_id"]}
    assert len(await requests_of(api, mentee)) == 1
    assert len(await api.messages("request.created")) == 1


async def test_only_members_known_to_matching_ask(api: Api) -> None:
    mentee = await api.member()
    other_association = uuid4()
    # No role in the association according to the token.
    response = await api.client.post(
        "/requests", json={"association_id": str(other_association)}, headers=mentee.headers
    )
    assert response.status_code == 403
    assert "not a member of this association" in response.json()["detail"]
    # A role in the token, but matching has not heard of the membership.
    unknown = api.headers(mentee.member_id, {str(other_association): ["member"]})
    response = await api.client.post("/requests", json={"association_id": str(other_association)}, headers=unknown)
    assert response.status_code == 409
    assert "try again in a minute" in response.json()["detail"]
    # Known, but the membership is no longer active.
    former = await api.member(active=False)
    response = await api.client.post(
        "/requests", json={"association_id": str(former.association_id)}, headers=former.headers
    )
    assert response.status_code == 409
    assert await api.pool.fetchval("SELECT count(*) FROM requests") == 0
    assert await api.messages() == []


async def test_bad_requests_are_refused_and_nothing_is_stored(api: Api) -> None:
    mentee = await api.member()
    association_id = str(mentee.association_id)

    for bad in (
        {},
        {"association_id": "not a uuid"},
        {"association_id": association_id, "preferences": {"gender": "robot"}},
        {"association_id": association_id, "preferences": {"modality": "carrier pigeon"}},
        {"association_id": association_id, "preferences": {"age_band": {"youngest": 50, "oldest": 30}}},
        {"association_id": association_id, "preferences": {"age_band": {"youngest": -1, "oldest": 30}}},
        {"association_id": association_id, "preferences": {"colour": "blue"}},
        {"association_id": association_id, "surprise": True},
    ):
        response = await api.client.post("/requests", json=bad, headers=mentee.headers)
        assert response.status_code == 400, (bad, response.text)
    assert await api.pool.fetchval("SELECT count(*) FROM requests") == 0
    assert await api.messages() == []


async def test_my_requests_say_why_an_open_one_waits(api: Api) -> None:
    mentee = await api.member()
    old = await api.request(
        mentee, "cancelled", created_at=datetime(2024, 1, 1, tzinfo=UTC), closed_reason="changed my mind"
    )
    waiting = await api.request(mentee, unmatched_reason="all_mentors_full", estimated_wait_days=12)
    stranger = await api.member(mentee.association_id)
    await api.request(stranger)

    response = await api.client.get("/me/requests", headers=mentee.headers)

    assert response.status_code == 200, response.text
    newest, oldest = response.json()
    assert newest["request_id"] == str(waiting) and newest["status"] == "open"
    assert newest["unmatched_reason"] == "all_mentors_full" and newest["estimated_wait_days"] == 12
    assert oldest["request_id"] == str(old) and oldest["closed_reason"] == "changed my mind"
    assert oldest["unmatched_reason"] is None and oldest["estimated_wait_days"] is None


async def test_the_reason_and_wait_show_only_while_open(api: Api) -> None:
    mentee = await api.member()
    await api.request(mentee, "matched", unmatched_reason="all_mentors_full", estimated_wait_days=3)

    [request] = (await api.client.get("/me/requests", headers=mentee.headers)).json()

    assert request["status"] == "matched"
    assert request["unmatched_reason"] is None and request["estimated_wait_days"] is None


async def test_a_mentee_cancels_an_open_request(api: Api) -> None:
    mentee = await api.member()
    request_id = await api.request(mentee)

    response = await api.client.post(f"/requests/{request_id}/cancel", headers=mentee.headers)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    assert await api.pool.fetchval("SELECT status FROM requests WHERE request_id = $1", request_id) == "cancelled"
    again = await api.client.post(f"/requests/{request_id}/cancel", headers=mentee.headers)
    assert again.status_code == 409 and "already cancelled" in again.json()["detail"]


async def test_cancelling_withdraws_a_waiting_proposal_and_frees_the_place(api: Api) -> None:
    mentee = await api.member()
    mentor = await api.mentor(mentee.association_id, capacity=2)
    request_id = await api.request(mentee)
    match_id = await api.proposal(request_id, mentor)
    assert await api.load_of(mentor) == 1

    response = await api.client.post(f"/requests/{request_id}/cancel", headers=mentee.headers)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    assert await api.pool.fetchval("SELECT status FROM proposals WHERE match_id = $1", match_id) == "withdrawn"
    assert await api.load_of(mentor) == 0
    [declined] = await api.messages("match.declined")
    assert declined["data"]["match_id"] == str(match_id) and declined["data"]["reason"].startswith("withdrawn:")
    # Withdrawn, not refused: the pair may be proposed again.
    assert await api.pool.fetchval("SELECT count(*) FROM excluded_pairs") == 0


async def test_only_the_mentee_cancels_and_others_learn_nothing(api: Api) -> None:
    mentee = await api.member()
    mentor = await api.mentor(mentee.association_id)
    request_id = await api.request(mentee)
    await api.proposal(request_id, mentor)
    stranger = await api.member(mentee.association_id)

    for member in (stranger, mentor):
        response = await api.client.post(f"/requests/{request_id}/cancel", headers=member.headers)
        assert response.status_code == 404
        assert response.json()["detail"] == "you have no request with this id"
    missing = await api.client.post(f"/requests/{uuid4()}/cancel", headers=stranger.headers)
    assert missing.status_code == 404 and missing.json()["detail"] == "you have no request with this id"
    assert await api.pool.fetchval("SELECT status FROM requests WHERE request_id = $1", request_id) == "proposed"
    assert await api.load_of(mentor) == 1


async def test_a_matched_request_cannot_be_cancelled(api: Api) -> None:
    mentee = await api.member()
    request_id = await api.request(mentee, "matched")

    response = await api.client.post(f"/requests/{request_id}/cancel", headers=mentee.headers)

    assert response.status_code == 409
    assert "already matched" in response.json()["detail"]
