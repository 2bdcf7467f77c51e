"""Patient stories on a real PostgreSQL through community's HTTP API: invisible until a moderator of the
author's association publishes them, then readable by the readers the author chose (and nobody else); found
by condition (the ICD-10 hierarchy) and by words in English and French; gone everywhere once withdrawn."""

from __future__ import annotations

from uuid import uuid4

from community.service_layer.members import apply_member_message
from shared.contracts.membership import MemberErased

from .conftest import Api


async def test_a_story_is_invisible_until_published_and_then_read_by_those_its_author_chose(api: Api) -> None:
    association = uuid4()
    author, moderator = api.member(association), api.member(association, "member", "moderator")
    neighbour, elsewhere = api.member(association), api.member(uuid4())
    story = await api.write(author, body="My rheumatologist, Dr Martin, told me to call 06 12 34 56 78 any time.")
    path = f"/stories/{story['story_id']}"
    assert story["status"] == "pending" and story["yours"]
    assert {f["kind"] for f in story["to_check"]} == {"name", "phone"}, "what may identify someone is shown"

    for reader in (neighbour, elsewhere):
        assert (await api.client.get(path, headers=reader.headers)).status_code == 404
    assert (await api.client.get(path)).status_code == 404, "not published: nobody else reads it"
    queue = await api.client.get("/moderation/stories", headers=moderator.headers)
    assert [s["story_id"] for s in queue.json()] == [story["story_id"]]
    assert (await api.client.get("/moderation/stories", headers=neighbour.headers)).status_code == 403
    refused = await api.decide(neighbour, story["story_id"], "publish")
    assert refused.status_code == 404, "a member who may not read it does not learn it exists"
    own = await api.write(moderator, title="A moderator's own story")
    assert (await api.decide(moderator, own["story_id"], "publish")).status_code == 403, "not one's own"

    published = await api.decide(moderator, story["story_id"], "publish")
    assert published.status_code == 200 and published.json()["status"] == "published", published.text
    [told] = await api.messages("story.published")
    assert told["data"] == {
        "story_id": story["story_id"],
        "member_id": str(author.member_id),
        "association_id": str(association),
    }, "the author is told; no word of the story travels"

    read = await api.client.get(path, headers=neighbour.headers)
    assert read.status_code == 200 and read.json()["moderator_note"] is None and read.json()["to_check"] is None
    assert (await api.client.get(path, headers=elsewhere.headers)).status_code == 404, "the association only"
    assert (await api.client.get(path)).status_code == 404


async def test_federation_and_public_stories_reach_their_readers(api: Api) -> None:
    association = uuid4()
    author, moderator = api.member(association), api.member(association, "admin")
    elsewhere = api.member(uuid4())
    for visibility in ("federation", "public"):
        story = await api.write(author, title=f"A story for the {visibility}", visibility=visibility)
        assert (await api.decide(moderator, story["story_id"], "publish")).status_code == 200
    signed_in = await api.client.get("/stories", headers=elsewhere.headers)
    assert sorted(s["visibility"] for s in signed_in.json()) == ["federation", "public"]
    anonymous = await api.client.get("/stories")
    assert [s["visibility"] for s in anonymous.json()] == ["public"]


async def test_a_moderator_asks_for_changes_and_the_author_rewrites_it(api: Api) -> None:
    association = uuid4()
    author, moderator = api.member(association), api.member(association, "moderator")
    story = await api.write(author)
    no_reason = await api.decide(moderator, story["story_id"], "ask_changes")
    assert no_reason.status_code == 422 and "the author reads it" in no_reason.json()["detail"]
    asked = await api.decide(moderator, story["story_id"], "ask_changes", "Please take out the hospital's name.")
    assert asked.json()["status"] == "changes_requested"
    assert len(await api.messages("story.changes_requested")) == 1
    again = await api.decide(moderator, story["story_id"], "publish")
    assert again.status_code == 409, "decided already: it waits for the author"

    mine = (await api.client.get("/me/stories", headers=author.headers)).json()
    assert mine[0]["moderator_note"] == "Please take out the hospital's name."
    body = {
        "association_id": str(association),
        "pen_name": "Blue Heron",
        "title": "The year I learnt to pace myself",
        "body": "When the pain came back I stopped everything. Now I do a little every day, and rest before I must.",
        "language": "en",
        "visibility": "association",
        "consent": True,
    }
    rewritten = await api.client.put(f"/stories/{story['story_id']}", json=body, headers=author.headers)
    assert rewritten.status_code == 200 and rewritten.json()["status"] == "pending", rewritten.text
    someone = api.member(association)
    assert (
        await api.client.put(f"/stories/{story['story_id']}", json=body, headers=someone.headers)
    ).status_code == 404


async def test_readers_find_stories_by_their_condition_and_by_words_in_both_languages(api: Api) -> None:
    association = uuid4()
    author, moderator, reader = api.member(association), api.member(association, "moderator"), api.member(association)
    stories = {
        "migraine": ("Migraine at work", "en", ["G43.1"], "Telling my manager about the attacks changed everything."),
        "pain": ("Douleur et fatigue", "fr", ["M79.7"], "J'ai appris à me reposer avant d'être épuisée."),
        "lung": ("Breathing again", "en", ["J84.1"], "Oxygen at night gave me my days back."),
    }
    ids = {}
    for key, (title, language, codes, text) in stories.items():
        written = await api.write(author, title=title, language=language, conditions=codes, body=text * 2)
        await api.decide(moderator, written["story_id"], "publish")
        ids[key] = written["story_id"]

    related = await api.client.get("/stories", params={"condition": "G43"}, headers=reader.headers)
    assert related.json()[0]["story_id"] == ids["migraine"], "G43.1 is within G43: first"
    french = await api.client.get("/stories", params={"q": "reposer"}, headers=reader.headers)
    assert [s["story_id"] for s in french.json()] == [ids["pain"]], "French words, French stemming"
    english = await api.client.get("/stories", params={"q": "manager attack"}, headers=reader.headers)
    assert [s["story_id"] for s in english.json()] == [ids["migraine"]]


async def test_this_helped_me_counts_each_reader_once(api: Api) -> None:
    association = uuid4()
    author, moderator = api.member(association), api.member(association, "moderator")
    story = await api.write(author)
    readers = [api.member(association) for _ in range(2)]
    early = await api.client.post(f"/stories/{story['story_id']}/helped", headers=readers[0].headers)
    assert early.status_code == 404, "not published yet"
    await api.decide(moderator, story["story_id"], "publish")
    for reader in (*readers, readers[0]):
        answer = await api.client.post(f"/stories/{story['story_id']}/helped", headers=reader.headers)
        assert answer.status_code == 200
    assert answer.json()["helped"] == 2


async def test_a_withdrawn_or_erased_authors_story_is_gone_everywhere(api: Api) -> None:
    association = uuid4()
    author, moderator, reader = api.member(association), api.member(association, "moderator"), api.member(association)
    kept, withdrawn = [await api.write(author, visibility="public") for _ in range(2)]
    for story in (kept, withdrawn):
        await api.decide(moderator, story["story_id"], "publish")
    await api.client.post(f"/stories/{kept['story_id']}/helped", headers=reader.headers)

    gone = await api.client.delete(f"/stories/{withdrawn['story_id']}", headers=author.headers)
    assert gone.status_code == 204
    assert (await api.client.get(f"/stories/{withdrawn['story_id']}")).status_code == 404
    assert [s["story_id"] for s in (await api.client.get("/stories")).json()] == [kept["story_id"]]

    async with api.pool.acquire() as conn, conn.transaction():
        await apply_member_message(conn, MemberErased(member_id=author.member_id, association_id=association))
    assert (await api.client.get("/stories")).json() == []
    assert await api.pool.fetchval("SELECT count(*) FROM story_helped") == 0
    assert not [m for m in await api.messages() if m["data"].get("member_id") == str(author.member_id)]


async def test_bad_writing_is_refused_with_what_is_wrong(api: Api) -> None:
    author = api.member()
    for fields, says in [
        ({"pen_name": "ada@example.org"}, "not an e-mail"),
        ({"body": "word " * 1001}, "up to 1000 words"),
        ({"consent": False}, "consent"),
        ({"conditions": ["headache"]}, "ICD-10"),
        ({"association_id": str(uuid4())}, "an association you belong to"),
    ]:
        body = {
            "association_id": str(author.association_id),
            "pen_name": "Blue Heron",
            "title": "A title",
            "body": "Enough words to be a story, surely.",
            "language": "en",
            "visibility": "public",
            "consent": True,
            **fields,
        }
        refused = await api.client.post("/stories", json=body, headers=author.headers)
        assert refused.status_code in {400, 403, 422}, (fields, refused.text)
        assert says in refused.text, (fields, refused.text)


async def test_a_story_suggesting_a_risk_comes_first_for_moderators_and_its_author_sees_help_at_once(
    api: Api,
) -> None:
    association = uuid4()
    author, moderator = api.member(association), api.member(association, "moderator")
    calm = await api.write(api.member(association), title="Gardening again")
    worrying = await api.write(
        author,
        title="L'hiver le plus dur",
        language="fr",
        body="Cet hiver la douleur ne me laissait aucun répit et j'ai pensé à mettre fin à mes jours.",
    )
    assert calm["at_risk"] is False and calm["help_now"] is None
    assert worrying["at_risk"] is True and "3114" in worrying["help_now"], "help in its language, at once"
    queue = (await api.client.get("/moderation/stories", headers=moderator.headers)).json()
    assert [s["story_id"] for s in queue] == [worrying["story_id"], calm["story_id"]], "the worrying one first"
    assert queue[0]["help_now"] is None, "the help is for its author; the moderator sees the flag"

    calmer = {
        "association_id": str(association),
        "pen_name": "Blue Heron",
        "title": "L'hiver le plus dur",
        "body": "Cet hiver la douleur ne me laissait aucun répit ; parler au groupe m'a aidé à tenir.",
        "language": "fr",
        "visibility": "association",
        "consent": True,
    }
    rewritten = await api.client.put(f"/stories/{worrying['story_id']}", json=calmer, headers=author.headers)
    assert rewritten.json()["at_risk"] is False, "rewritten, it is read again"
