"""Proposals over HTTP: each side sees its proposals; only the mentor answers, and only in time."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from .conftest import BREAKDOWN, SLOT, Api, Member


async def proposed(api: Api, **proposal: Any) -> tuple[Member, Member, UUID, UUID]:
    """A mentee whose request was proposed to a mentor (who has one other mentee already)."""
    mentee = await api.member()
    mentor = await api.mentor(mentee.association_id, capacity=3, load=1)
    request_id = await api.request(mentee)
    return mentee, mentor, request_id, await api.proposal(request_id, mentor, **proposal)


async def state(api: Api, match_id: UUID) -> dict[str, Any]:
    row = await api.pool.fetchrow(
        "SELECT p.status AS proposal, p.decided_by, p.reason, r.status AS request, m.status AS mentorship"
        " FROM proposals p JOIN requests r USING (request_id) LEFT JOIN mentorships m USING (match_id)"
        " WHERE p.match_id = $1",
        match_id,
    )
    assert row is not None
    return dict(row)


async def test_each_side_sees_the_proposal_with_its_explanation(api: Api) -> None:
    mentee, mentor, request_id, match_id = await proposed(api)

    as_mentee = await api.client.get("/me/proposals", headers=mentee.headers)
    as_mentor = await api.client.get("/me/proposals", headers=mentor.headers)
    stranger = await api.client.get("/me/proposals", headers=(await api.member(mentee.association_id)).headers)

    assert as_mentee.status_code == as_mentor.status_code == 200, as_mentee.text
    [seen_by_mentee], [seen_by_mentor] = as_mentee.json(), as_mentor.json()
    assert seen_by_mentee["match_id"] == seen_by_mentor["match_id"] == str(match_id)
    assert seen_by_mentee["request_id"] == str(request_id)
    assert seen_by_mentee["role"] == "mentee" and seen_by_mentee["counterpart_id"] == str(mentor.member_id)
    assert seen_by_mentor["role"] == "mentor" and seen_by_mentor["counterpart_id"] == str(mentee.member_id)
    assert seen_by_mentee["score"] == 62.5 and seen_by_mentee["breakdown"] == BREAKDOWN
    slot = seen_by_mentor["first_slot"]
    assert slot["mentee_local"] == SLOT["mentee_local"] and slot["mentor_local"] == SLOT["mentor_local"]
    assert seen_by_mentee["status"] == "proposed" and seen_by_mentee["expires_at"]
    assert stranger.json() == []


async def test_a_proposal_past_its_deadline_reads_as_expired(api: Api) -> None:
    mentee, _, _, _ = await proposed(api, expires_in=timedelta(minutes=-1), first_slot=None)

    [proposal] = (await api.client.get("/me/proposals", headers=mentee.headers)).json()

    assert proposal["status"] == "expired" and proposal["first_slot"] is None


async def test_the_mentor_accepts_and_the_mentorship_starts(api: Api) -> None:
    mentee, mentor, request_id, match_id = await proposed(api)

    response = await api.client.post(f"/proposals/{match_id}/accept", headers=mentor.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["match_id"] == str(match_id) and body["status"] == "active"
    assert body["role"] == "mentor" and body["counterpart_id"] == str(mentee.member_id)
    assert await state(api, match_id) == {
        "proposal": "accepted",
        "decided_by": mentor.member_id,
        "reason": None,
        "request": "matched",
        "mentorship": "active",
    }
    assert await api.load_of(mentor) == 2  # the place stays taken by the mentorship
    [message] = await api.messages()
    assert message["event_type"] == "match.accepted" and message["subject"] == str(mentee.member_id)
    assert message["data"] == {
        "request_id": str(request_id),
        "mentee_id": str(mentee.member_id),
        "association_id": str(mentee.association_id),
        "match_id": str(match_id),
        "mentor_id": str(mentor.member_id),
    }
    [mentorship] = (await api.client.get("/me/mentorships", headers=mentee.headers)).json()
    assert mentorship["match_id"] == str(match_id) and mentorship["role"] == "mentee"


async def test_the_mentor_declines_and_the_request_reopens_without_that_pair(api: Api) -> None:
    mentee, mentor, request_id, match_id = await proposed(api)

    response = await api.client.post(
        f"/proposals/{match_id}/decline", json={"reason": "  I am moving house this month  "}, headers=mentor.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "declined" and response.json()["reason"] == "I am moving house this month"
    assert await state(api, match_id) == {
        "proposal": "declined",
        "decided_by": mentor.member_id,
        "reason": "I am moving house this month",
        "request": "open",
        "mentorship": None,
    }
    excluded = await api.pool.fetch("SELECT mentee_id, mentor_id, reason FROM excluded_pairs")
    assert [tuple(row) for row in excluded] == [(mentee.member_id, mentor.member_id, "declined")]
    assert await api.load_of(mentor) == 1  # back to the mentee they had before
    [message] = await api.messages()
    assert message["event_type"] == "match.declined"
    # the mentor's words stay in matching: not on the topic (so not in notifications either)
    assert message["data"]["reason"] == "" and "moving house" not in json.dumps(message)
    assert message["data"]["match_id"] == str(match_id) and message["data"]["request_id"] == str(request_id)


async def test_only_the_mentor_answers(api: Api) -> None:
    mentee, mentor, _, match_id = await proposed(api)
    stranger = await api.member(mentee.association_id)
    decline = {"reason": "no"}

    for action, body in (("accept", None), ("decline", decline)):
        path = f"/proposals/{match_id}/{action}"
        by_mentee = await api.client.post(path, json=body, headers=mentee.headers)
        assert by_mentee.status_code == 403 and f"only the proposed mentor can {action}" in by_mentee.json()["detail"]
        by_stranger = await api.client.post(path, json=body, headers=stranger.headers)
        assert by_stranger.status_code == 404 and by_stranger.json()["detail"] == "you have no proposal with this id"
        unknown = await api.client.post(f"/proposals/{uuid4()}/{action}", json=body, headers=mentor.headers)
        assert unknown.json() == {**by_stranger.json(), "correlation_id": unknown.json()["correlation_id"]}
    assert (await state(api, match_id))["proposal"] == "proposed"
    assert await api.load_of(mentor) == 2
    assert await api.messages() == []


async def test_a_proposal_is_answered_once(api: Api) -> None:
    _, mentor, _, match_id = await proposed(api)
    assert (await api.client.post(f"/proposals/{match_id}/accept", headers=mentor.headers)).status_code == 200

    for action, body in (("accept", None), ("decline", {"reason": "changed my mind"})):
        response = await api.client.post(f"/proposals/{match_id}/{action}", json=body, headers=mentor.headers)
        assert response.status_code == 409
        assert response.json()["detail"] == "this proposal is no longer waiting for an answer: it was accepted"
    assert len(await api.messages()) == 1
    assert await api.load_of(mentor) == 2


async def test_an_expired_proposal_can_no_longer_be_answered(api: Api) -> None:
    _, mentor, _, match_id = await proposed(api, expires_in=timedelta(seconds=-1))

    for action, body in (("accept", None), ("decline", {"reason": "too late"})):
        response = await api.client.post(f"/proposals/{match_id}/{action}", json=body, headers=mentor.headers)
        assert response.status_code == 409 and "expired" in response.json()["detail"]
    assert await state(api, match_id) == {
        "proposal": "proposed",  # the matcher's sweep expires it and frees the place
        "decided_by": None,
        "reason": None,
        "request": "proposed",
        "mentorship": None,
    }
    assert await api.messages() == []


async def test_a_decline_needs_a_reason(api: Api) -> None:
    _, mentor, _, match_id = await proposed(api)

    for bad in (None, {}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 1001}, {"reason": "a\u0000b"}):
        response = await api.client.post(f"/proposals/{match_id}/decline", json=bad, headers=mentor.headers)
        assert response.status_code == 400, (bad, response.text)
    assert (await state(api, match_id))["proposal"] == "proposed"
    assert await api.pool.fetchval("SELECT count(*) FROM excluded_pairs") == 0
    assert await api.load_of(mentor) == 2
    assert await api.messages() == []


async def test_an_accept_racing_a_cancel_leaves_one_consistent_outcome(api: Api) -> None:
    for _ in range(5):
        mentee, mentor, request_id, match_id = await proposed(api)

        accepted, cancelled = await asyncio.gather(
            api.client.post(f"/proposals/{match_id}/accept", headers=mentor.headers),
            api.client.post(f"/requests/{request_id}/cancel", headers=mentee.headers),
        )

        assert sorted([accepted.status_code, cancelled.status_code]) == [200, 409], (accepted.text, cancelled.text)
        outcome = await state(api, match_id)
        if accepted.status_code == 200:
            assert (outcome["proposal"], outcome["request"], outcome["mentorship"]) == ("accepted", "matched", "active")
            assert await api.load_of(mentor) == 2
        else:
            assert (outcome["proposal"], outcome["request"], outcome["mentorship"]) == ("withdrawn", "cancelled", None)
            assert await api.load_of(mentor) == 1
