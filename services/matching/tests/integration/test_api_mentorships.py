"""Mentorships over HTTP: either side ends one (the mentor's place is freed), then each side rates it once."""

from __future__ import annotations

from uuid import UUID, uuid4

from .conftest import Api, Member

COMPLETED = {"outcome": "completed", "reason": "we covered everything"}


async def active_mentorship(api: Api) -> tuple[Member, Member, UUID]:
    """An accepted proposal: an active mentorship taking one of the mentor's places."""
    mentee = await api.member()
    mentor = await api.mentor(mentee.association_id, capacity=2)
    match_id = await api.proposal(await api.request(mentee), mentor)
    response = await api.client.post(f"/proposals/{match_id}/accept", headers=mentor.headers)
    assert response.status_code == 200, response.text
    await api.pool.execute("DELETE FROM outbox")
    return mentee, mentor, match_id


async def ended_mentorship(api: Api) -> tuple[Member, Member, UUID]:
    mentee, mentor, match_id = await active_mentorship(api)
    response = await api.client.post(f"/mentorships/{match_id}/end", json=COMPLETED, headers=mentee.headers)
    assert response.status_code == 200, response.text
    await api.pool.execute("DELETE FROM outbox")
    return mentee, mentor, match_id


async def test_each_side_lists_its_mentorships(api: Api) -> None:
    mentee, mentor, match_id = await active_mentorship(api)
    stranger = await api.member(mentee.association_id)

    [as_mentee] = (await api.client.get("/me/mentorships", headers=mentee.headers)).json()
    [as_mentor] = (await api.client.get("/me/mentorships", headers=mentor.headers)).json()

    assert as_mentee["match_id"] == as_mentor["match_id"] == str(match_id)
    assert as_mentee["role"] == "mentee" and as_mentee["counterpart_id"] == str(mentor.member_id)
    assert as_mentor["role"] == "mentor" and as_mentor["counterpart_id"] == str(mentee.member_id)
    assert as_mentee["status"] == "active" and as_mentee["ended_at"] is None and not as_mentee["feedback_given"]
    assert (await api.client.get("/me/mentorships", headers=stranger.headers)).json() == []


async def test_the_mentee_ends_a_mentorship_and_the_place_is_freed(api: Api) -> None:
    mentee, mentor, match_id = await active_mentorship(api)
    assert await api.load_of(mentor) == 1

    response = await api.client.post(f"/mentorships/{match_id}/end", json=COMPLETED, headers=mentee.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ended" and body["outcome"] == "completed" and body["ended_at"]
    row = await api.pool.fetchrow("SELECT status, outcome, end_reason FROM mentorships WHERE match_id = $1", match_id)
    assert tuple(row) == ("ended", "completed", "we covered everything")
    assert await api.load_of(mentor) == 0
    [message] = await api.messages()
    assert message["event_type"] == "mentorship.ended" and message["subject"] == str(mentee.member_id)
    assert message["data"]["match_id"] == str(match_id) and message["data"]["mentor_id"] == str(mentor.member_id)
    assert message["data"]["outcome"] == "completed" and message["data"]["reason"] == "we covered everything"


async def test_the_mentor_ends_one_early_without_a_reason(api: Api) -> None:
    _, mentor, match_id = await active_mentorship(api)

    response = await api.client.post(
        f"/mentorships/{match_id}/end", json={"outcome": "ended_early"}, headers=mentor.headers
    )

    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "ended_early" and response.json()["role"] == "mentor"
    assert await api.load_of(mentor) == 0
    [message] = await api.messages("mentorship.ended")
    assert message["data"]["outcome"] == "ended_early" and message["data"]["reason"] == ""


async def test_a_mentorship_ends_once(api: Api) -> None:
    _, mentor, match_id = await ended_mentorship(api)

    again = await api.client.post(f"/mentorships/{match_id}/end", json=COMPLETED, headers=mentor.headers)

    assert again.status_code == 409 and again.json()["detail"] == "this mentorship has already ended"
    assert await api.load_of(mentor) == 0
    assert await api.messages() == []


async def test_only_the_two_sides_end_it_and_bad_endings_are_refused(api: Api) -> None:
    mentee, mentor, match_id = await active_mentorship(api)
    stranger = await api.member(mentee.association_id)
    path = f"/mentorships/{match_id}/end"

    by_stranger = await api.client.post(path, json=COMPLETED, headers=stranger.headers)
    unknown = await api.client.post(f"/mentorships/{uuid4()}/end", json=COMPLETED, headers=mentee.headers)
    assert by_stranger.status_code == unknown.status_code == 404
    assert by_stranger.json()["detail"] == unknown.json()["detail"] == "you have no mentorship with this id"
    for bad in ({}, {"outcome": "ghosted"}, {**COMPLETED, "reason": "x" * 1001}, {**COMPLETED, "extra": 1}):
        response = await api.client.post(path, json=bad, headers=mentee.headers)
        assert response.status_code == 400, (bad, response.text)
    assert await api.pool.fetchval("SELECT status FROM mentorships WHERE match_id = $1", match_id) == "active"
    assert await api.load_of(mentor) == 1
    assert await api.messages() == []


async def test_each_side_gives_feedback_once_after_the_end(api: Api) -> None:
    mentee, mentor, match_id = await ended_mentorship(api)
    path = f"/mentorships/{match_id}/feedback"

    from_mentee = await api.client.post(
        path, json={"rating": 5, "comment": "She really listened."}, headers=mentee.headers
    )
    from_mentor = await api.client.post(path, json={"rating": 4}, headers=mentor.headers)
    again = await api.client.post(path, json={"rating": 1}, headers=mentee.headers)

    assert from_mentee.status_code == from_mentor.status_code == 201, from_mentee.text
    assert from_mentee.json()["rating"] == 5 and from_mentee.json()["comment"] == "She really listened."
    assert again.status_code == 409 and again.json()["detail"] == "you have already given feedback on this mentorship"
    rows = await api.pool.fetch("SELECT from_member, rating, comment FROM feedback ORDER BY rating DESC")
    assert [tuple(row) for row in rows] == [
        (mentee.member_id, 5, "She really listened."),
        (mentor.member_id, 4, ""),
    ]
    messages = await api.messages()
    assert [m["event_type"] for m in messages] == ["feedback.recorded", "feedback.recorded"]
    assert messages[0]["data"]["from_member"] == str(mentee.member_id) and messages[0]["data"]["rating"] == 5
    assert "comment" not in messages[0]["data"] and "She really listened." not in str(messages)
    [seen] = (await api.client.get("/me/mentorships", headers=mentee.headers)).json()
    assert seen["feedback_given"] is True


async def test_no_feedback_while_active_or_from_strangers_or_out_of_range(api: Api) -> None:
    mentee, mentor, match_id = await active_mentorship(api)
    path = f"/mentorships/{match_id}/feedback"

    early = await api.client.post(path, json={"rating": 5}, headers=mentee.headers)
    assert early.status_code == 409 and "once the mentorship has ended" in early.json()["detail"]
    await api.client.post(f"/mentorships/{match_id}/end", json=COMPLETED, headers=mentor.headers)
    stranger = await api.member(mentee.association_id)
    by_stranger = await api.client.post(path, json={"rating": 5}, headers=stranger.headers)
    assert by_stranger.status_code == 404 and by_stranger.json()["detail"] == "you have no mentorship with this id"
    for bad in (
        {},
        {"rating": 0},
        {"rating": 6},
        {"rating": "five"},
        {"rating": 3, "comment": "x" * 2001},
        {"rating": 3, "comment": "a\u0000b"},
    ):
        response = await api.client.post(path, json=bad, headers=mentee.headers)
        assert response.status_code == 400, (bad, response.text)
    assert await api.pool.fetchval("SELECT count(*) FROM feedback") == 0
    assert await api.messages("feedback.recorded") == []


async def test_a_long_comment_within_the_limit_is_kept(api: Api) -> None:
    mentee, _, match_id = await ended_mentorship(api)

    response = await api.client.post(
        f"/mentorships/{match_id}/feedback", json={"rating": 3, "comment": "x" * 2000}, headers=mentee.headers
    )

    assert response.status_code == 201, response.text
    assert len(await api.pool.fetchval("SELECT comment FROM feedback")) == 2000
