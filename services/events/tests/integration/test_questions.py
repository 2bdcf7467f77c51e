"""Q&A that is safe, on a real PostgreSQL through events' HTTP API: nobody but the asker and the hosts' admins
reads a question before it is approved; personal details hold it, marked, until a moderator edits them out;
one vote per person, merged duplicates keep their votes; an answered question joins the FAQ; a rejected one
tells only its asker why; a request for personal medical advice is answered, to the asker alone, with the
association's referral text; an erased member's questions and votes are gone."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.service_layer.members import apply_member_message
from shared.contracts.membership import MemberErased
from shared.testing.tokens import Member

from .conftest import Api


async def attendee(api: Api, host: Member, conference: dict[str, Any]) -> Member:
    person = api.member(host.association_id)
    assert (await api.register(person, conference["conference_id"])).status_code == 201
    return person


async def ask(api: Api, person: Member, conference: dict[str, Any], text: str, **body: Any) -> dict[str, Any]:
    answer = await api.client.post(
        f"/conferences/{conference['conference_id']}/questions", json={"text": text, **body}, headers=person.headers
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def read(api: Api, person: Member, conference: dict[str, Any], locale: str = "en") -> dict[str, dict[str, Any]]:
    answer = await api.client.get(
        f"/conferences/{conference['conference_id']}/questions", params={"locale": locale}, headers=person.headers
    )
    assert answer.status_code == 200, answer.text
    return {q["question_id"]: q for q in answer.json()}


async def moderate(api: Api, host: Member, question: dict[str, Any], **body: Any) -> Any:
    return await api.client.post(f"/questions/{question['question_id']}/moderate", json=body, headers=host.headers)


async def test_a_question_with_personal_details_is_held_marked_and_shown_only_once_they_are_edited_out(
    api: Api,
) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host)
    asker, other = await attendee(api, host, conference), await attendee(api, host, conference)

    question = await ask(api, asker, conference, "Could you write to me at rose@example.org about sleep?")
    assert question["status"] == "held"
    assert question["question_id"] in await read(api, asker, conference)  # the asker sees it, waiting
    assert await read(api, other, conference) == {}

    queue = (
        await api.client.get(f"/conferences/{conference['conference_id']}/questions/queue", headers=host.headers)
    ).json()
    (queued,) = queue
    (finding,) = queued["findings"]
    assert finding["kind"] == "email" and queued["text"][finding["start"] : finding["end"]] == "rose@example.org"
    refused = await moderate(api, host, question, action="approve")
    assert refused.status_code == 409 and "personal details" in refused.json()["detail"]

    approved = await moderate(api, host, question, action="approve", text="Could you say more about sleep?")
    assert approved.status_code == 200 and approved.json()["findings"] == []
    shown = (await read(api, other, conference))[question["question_id"]]
    assert shown["text"] == "Could you say more about sleep?" and shown["status"] == "approved"
    assert "rose@example.org" not in str(await api.pool.fetchval("SELECT text FROM questions"))


async def test_only_people_taking_part_ask_and_vote_once_and_only_host_admins_moderate(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host)
    asker, voter = await attendee(api, host, conference), await attendee(api, host, conference)
    stranger = api.member(host.association_id)

    refused = await api.client.post(
        f"/conferences/{conference['conference_id']}/questions", json={"text": "Hello?"}, headers=stranger.headers
    )
    assert refused.status_code == 403 and "register" in refused.json()["detail"]
    question = await ask(api, asker, conference, "What helps with fatigue?", shown_name="Rose")
    assert (await moderate(api, voter, question, action="approve")).status_code == 403
    vote = f"/questions/{question['question_id']}/vote"
    assert (await api.client.post(vote, headers=voter.headers)).status_code == 404  # not shown yet
    assert (await moderate(api, host, question, action="approve")).status_code == 200

    for _ in range(2):
        assert (await api.client.post(vote, headers=voter.headers)).json()["votes"] == 1
    assert (await api.client.post(vote, headers=asker.headers)).status_code == 409  # not one's own
    assert (await api.client.post(vote, headers=stranger.headers)).status_code == 403
    assert (await read(api, voter, conference))[question["question_id"]]["voted"] is True


async def test_a_merged_duplicate_keeps_its_votes_and_answers_become_the_faq(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host)
    people = [await attendee(api, host, conference) for _ in range(3)]
    first = await ask(api, people[0], conference, "Do the new treatments help with sleep?")
    duplicate = await ask(api, people[1], conference, "Will the new drugs improve my sleep?")
    for question in (first, duplicate):
        await moderate(api, host, question, action="approve")
    await api.client.post(f"/questions/{duplicate['question_id']}/vote", headers=people[2].headers)

    merged = await moderate(api, host, duplicate, action="merge", into=first["question_id"])
    assert merged.json()["status"] == "merged"
    assert (await read(api, people[2], conference))[first["question_id"]]["votes"] == 1
    bad = await moderate(api, host, first, action="merge", into=first["question_id"])
    assert bad.status_code == 409

    assert (await moderate(api, host, first, action="answer")).status_code == 409  # no answer written
    await moderate(api, host, first, action="answer", answer="For some people, yes: ask your own doctor.")
    faq = await read(api, people[2], conference)
    assert list(faq) == [first["question_id"]]
    assert faq[first["question_id"]]["status"] == "answered"
    assert faq[first["question_id"]]["answer"].startswith("For some people")


async def test_a_rejection_and_a_referral_are_told_to_the_asker_only(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host)
    asker, other = await attendee(api, host, conference), await attendee(api, host, conference)
    off_topic = await ask(api, asker, conference, "Who will win the match on Sunday?")
    advice = await ask(api, asker, conference, "Should I take my pills before the infusion?")
    queue = (
        await api.client.get(f"/conferences/{conference['conference_id']}/questions/queue", headers=host.headers)
    ).json()
    assert {q["question_id"]: q["advice_asked"] for q in queue} == {
        off_topic["question_id"]: False,
        advice["question_id"]: True,
    }, "the moderator is told which one reads like a request for personal advice"

    assert (await moderate(api, host, off_topic, action="reject")).status_code == 409  # a reason is needed
    await moderate(api, host, off_topic, action="reject", reason="This is about the conference's subject only.")
    referral = "Nous ne répondons pas aux questions personnelles ici : appelez notre ligne au 01 23 45 67 89."
    put = await api.client.put(
        f"/associations/{host.association_id}/referral-texts/fr", json={"text": referral}, headers=host.headers
    )
    assert put.status_code == 204, put.text
    await moderate(api, host, advice, action="refer")

    mine = await read(api, asker, conference, locale="fr")
    assert mine[off_topic["question_id"]]["reason"] == "This is about the conference's subject only."
    assert mine[advice["question_id"]]["status"] == "referred"
    assert mine[advice["question_id"]]["referral"] == referral
    english = await read(api, asker, conference, locale="en")
    assert english[advice["question_id"]]["referral"].startswith("We cannot give personal medical advice")
    assert await read(api, other, conference) == {}
    assert (
        await api.client.get(
            f"/conferences/{conference['conference_id']}/questions", params={"locale": "x!"}, headers=other.headers
        )
    ).status_code == 422


async def test_an_erased_members_questions_and_votes_are_gone(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host)
    asker, voter = await attendee(api, host, conference), await attendee(api, host, conference)
    theirs = await ask(api, voter, conference, "What about exercise?")
    kept = await ask(api, asker, conference, "What about sleep?")
    for question in (theirs, kept):
        await moderate(api, host, question, action="approve")
    await api.client.post(f"/questions/{kept['question_id']}/vote", headers=voter.headers)

    async with api.pool.acquire() as conn, conn.transaction():
        await apply_member_message(conn, MemberErased(member_id=voter.member_id, association_id=host.association_id))

    assert set(await read(api, asker, conference)) == {kept["question_id"]}
    assert (await read(api, asker, conference))[kept["question_id"]]["votes"] == 0
    left = await api.pool.fetchval("SELECT count(*) FROM question_votes WHERE member_id = $1", voter.member_id)
    assert left == 0
    assert (
        await api.pool.fetchval("SELECT count(*) FROM questions WHERE member_id = $1", UUID(str(voter.member_id))) == 0
    )
