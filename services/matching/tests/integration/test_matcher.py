"""The solver loop on a real database: proposals with their explanation, the wake-up, capacity under
concurrent matchers, expiry, and honest reasons for requests that wait."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import pytest

from matching.entrypoints.consumers import GROUP
from matching.service_layer import matcher as matcher_module
from matching.service_layer.matcher import Matcher, Snapshot, load_snapshot, plan
from matching.service_layer.proposals import propose
from matching.service_layer.upcoming_events import apply_conference_message
from matching.settings import MatcherSettings
from shared.contracts import new_envelope
from shared.contracts.events import ConferenceCancelled, ConferencePublished
from shared.contracts.membership import ConsentChanged, MemberErased, MemberLeft, ProfileUpdated
from shared.db.inbox import apply_once
from shared.testing.eventually import eventually
from shared.testing.plugin import ServiceDatabase

from .membership_facts import Facts, joined, matching_pool

FAST = MatcherSettings(debounce_seconds=0.05, poll_interval_seconds=30)


@pytest.fixture
async def facts(service_database: ServiceDatabase) -> AsyncIterator[Facts]:
    async with matching_pool(service_database) as pool:
        yield Facts(pool)


def years_ago(years: int) -> int:
    """A year of diagnosis; experience earns points up to 10 years, so mentors differ below that."""
    return datetime.now(UTC).year - years


async def wait_for(facts: Facts, query: str, expected: int, timeout: float = 5.0) -> int:
    count: int = await eventually(lambda: facts.pool.fetchval(query), until=lambda n: n >= expected, timeout=timeout)
    return count


async def test_a_new_request_is_proposed_within_moments_with_its_explanation(facts: Facts) -> None:
    association = uuid4()
    mentor = await facts.mentor(association, snapshot={"time_zone": "Europe/London", "birth_year": 1970})
    matcher = Matcher(facts.pool, FAST)
    await matcher.start()
    try:
        await asyncio.sleep(0.2)  # the first round found nothing to do; from now on it waits for a wake-up
        started = asyncio.get_running_loop().time()
        mentee = await facts.mentee(association)
        assert await wait_for(facts, "SELECT count(*) FROM proposals", 1) == 1
        assert asyncio.get_running_loop().time() - started < 2  # woken by NOTIFY, far before the 30 s poll
    finally:
        await matcher.stop()

    proposal = await facts.pool.fetchrow("SELECT * FROM proposals")
    assert (proposal["mentee_id"], proposal["mentor_id"], proposal["status"]) == (mentee, mentor, "proposed")
    assert (await facts.request_of(mentee))["status"] == "proposed"
    assert await facts.load_of(mentor) == 1
    [message] = await facts.messages("match.proposed")
    assert message["match_id"] == str(proposal["match_id"]) and message["mentor_id"] == str(mentor)
    breakdown = message["breakdown"]
    assert set(breakdown) == {"condition", "availability", "preferences", "experience", "waiting"}
    assert breakdown["condition"] == 40 and breakdown["preferences"] == 15  # same code; no wishes stated
    assert message["score"] == pytest.approx(sum(breakdown.values()))
    assert proposal["score"] == round(message["score"] * 1000) and proposal["breakdown"] == breakdown
    slot = message["first_slot"]
    assert slot == proposal["first_slot"]
    assert slot["mentee_local"].endswith("(Europe/Paris)") and slot["mentor_local"].endswith("(Europe/London)")
    starts_at = datetime.fromisoformat(slot["starts_at"])
    assert timedelta(0) < starts_at - datetime.now(UTC) < timedelta(days=2)  # free every evening
    expires_at = datetime.fromisoformat(message["expires_at"])
    assert expires_at - proposal["created_at"] == timedelta(hours=72)


async def test_two_matchers_at_once_never_exceed_a_mentors_capacity(
    service_database: ServiceDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the advisory lock, two matchers (each with its own pool, as two processes) load the same
    snapshot, solve it and race to write the same proposals: the request's status guard lets one win."""
    association = uuid4()
    async with matching_pool(service_database) as first, matching_pool(service_database) as second:
        facts = Facts(first)
        mentors = [await facts.mentor(association, capacity=2) for _ in range(3)]
        for _ in range(30):
            await facts.mentee(association)
        both_loaded = asyncio.Barrier(2)
        load = matcher_module.load_snapshot

        async def load_together(pool: asyncpg.Pool) -> Snapshot:
            snapshot = await load(pool)
            await both_loaded.wait()
            return snapshot

        monkeypatch.setattr(matcher_module, "load_snapshot", load_together)
        racing = MatcherSettings(exclusive=False)
        reports = await asyncio.gather(Matcher(first, racing).run_once(), Matcher(second, racing).run_once())

        assert sum(r.proposed for r in reports) == 6
        await _assert_within_capacity(facts, mentors)


async def test_stale_plans_written_at_once_never_exceed_a_mentors_capacity(service_database: ServiceDatabase) -> None:
    """Two plans for different requests with the same mentors (as two matchers with snapshots taken at
    different moments would make), written at once: the reservation lets only the free places be taken."""
    association = uuid4()
    async with matching_pool(service_database) as first, matching_pool(service_database) as second:
        facts = Facts(first)
        mentors = [await facts.mentor(association, capacity=2) for _ in range(3)]
        for _ in range(30):
            await facts.mentee(association)
        settings, now = MatcherSettings(), datetime.now(UTC)
        snapshot = await load_snapshot(first)
        one = plan(snapshot, settings, now)
        taken = {c.request.request_id for c in one.chosen}
        rest = [o for o in snapshot.requests if o.request.request_id not in taken]
        other = plan(dataclasses.replace(snapshot, requests=rest), settings, now)
        assert len(one.chosen) == len(other.chosen) == 6
        assert taken.isdisjoint(c.request.request_id for c in other.chosen)

        written = await asyncio.gather(
            *(propose(first, chosen, settings, now) for chosen in one.chosen),
            *(propose(second, chosen, settings, now) for chosen in other.chosen),
        )
        assert sum(match_id is not None for match_id in written) == 6
        await _assert_within_capacity(facts, mentors)


async def _assert_within_capacity(facts: Facts, mentors: list[UUID]) -> None:
    loads = await facts.pool.fetch("SELECT load, capacity FROM mentors")
    assert all(row["load"] == row["capacity"] == 2 for row in loads)
    per_mentor = await facts.pool.fetch("SELECT mentor_id, count(*) FROM proposals GROUP BY mentor_id")
    assert {row["mentor_id"]: row["count"] for row in per_mentor} == dict.fromkeys(mentors, 2)
    assert await facts.pool.fetchval("SELECT count(DISTINCT request_id) FROM proposals") == 6
    assert await facts.pool.fetchval("SELECT count(*) FROM requests WHERE status = 'proposed'") == 6
    assert len(await facts.messages("match.proposed")) == 6


async def test_looping_matchers_share_the_work(service_database: ServiceDatabase) -> None:
    """Two started matchers (with the lock) and a burst of arrivals: same guarantees."""
    association = uuid4()
    async with matching_pool(service_database) as first, matching_pool(service_database) as second:
        facts = Facts(first)
        matchers = [Matcher(first, FAST), Matcher(second, FAST)]
        for matcher in matchers:
            await matcher.start()
        try:
            mentors = [await facts.mentor(association, capacity=2) for _ in range(3)]
            await asyncio.gather(*(facts.mentee(association) for _ in range(20)))
            assert await wait_for(facts, "SELECT count(*) FROM proposals", 6) == 6
            await asyncio.sleep(0.3)
        finally:
            for matcher in matchers:
                await matcher.stop()
        assert await first.fetchval("SELECT count(*) FROM proposals") == 6
        assert [await facts.load_of(m) for m in mentors] == [2, 2, 2]


async def test_an_unanswered_proposal_expires_and_another_mentor_is_proposed(facts: Facts) -> None:
    association = uuid4()
    seasoned = await facts.mentor(association, diagnosed_in={"M79.7": years_ago(20)})  # more experience: proposed first
    newer = await facts.mentor(association, diagnosed_in={"M79.7": years_ago(2)})
    mentee = await facts.mentee(association)
    now = datetime.now(UTC)
    matcher = Matcher(facts.pool, MatcherSettings(), clock=lambda: now)
    assert (await matcher.run_once()).proposed == 1
    first = await facts.pool.fetchrow("SELECT * FROM proposals")
    assert first["mentor_id"] == seasoned

    now += timedelta(hours=71)
    assert (await matcher.run_once()).expired == 0
    now += timedelta(hours=2)
    report = await matcher.run_once()
    assert (report.expired, report.proposed) == (1, 1)

    assert await facts.pool.fetchval("SELECT status FROM proposals WHERE match_id = $1", first["match_id"]) == "expired"
    [expired] = await facts.messages("match.expired")
    assert (expired["match_id"], expired["mentor_id"]) == (str(first["match_id"]), str(seasoned))
    assert (
        await facts.pool.fetchval(
            "SELECT reason FROM excluded_pairs WHERE mentee_id = $1 AND mentor_id = $2", mentee, seasoned
        )
        == "expired"
    )
    second = await facts.pool.fetchrow("SELECT * FROM proposals WHERE status = 'proposed'")
    assert second["mentor_id"] == newer and second["request_id"] == first["request_id"]
    assert (await facts.load_of(seasoned), await facts.load_of(newer)) == (0, 1)

    # the second expires too: nobody is left, and the mentee is told why
    now += timedelta(hours=73)
    report = await matcher.run_once()
    assert (report.expired, report.proposed, report.unmatched_published) == (1, 0, 1)
    [unmatched] = await facts.messages("request.unmatched")
    assert unmatched["reason"] == "all_mentors_full" and unmatched["estimated_wait_days"] == 1  # within a day


async def test_unmatched_reason_is_published_once_and_again_when_it_changes(facts: Facts) -> None:
    association = uuid4()
    await _history(facts, association, waited=timedelta(days=3, hours=2))
    mentee = await facts.mentee(association, conditions=["G43.1"])
    matcher = Matcher(facts.pool, MatcherSettings())

    async def reasons() -> list[tuple[str, int | None]]:
        await matcher.run_once()
        return [(m["reason"], m["estimated_wait_days"]) for m in await facts.messages("request.unmatched")]

    assert await reasons() == [("no_mentor_for_condition", 4)]
    assert await reasons() == [("no_mentor_for_condition", 4)]  # nothing changed: nothing said
    mentor = await facts.mentor(
        association, snapshot={"languages": ["de"], "conditions": ["G43.1"]}, conditions=["G43.1"]
    )
    assert (await reasons())[1:] == [("no_shared_language", 4)]
    await facts.apply(ConsentChanged(member_id=mentee, kind="peer_matching", granted=False, version="1"))
    assert (await reasons())[2:] == [("no_consent", 4)]
    await facts.apply(ConsentChanged(member_id=mentee, kind="peer_matching", granted=True, version="2"))
    assert (await reasons())[3:] == [("no_shared_language", 4)]
    await facts.apply(ProfileUpdated(member_id=mentor, languages=["de", "fr"], time_zone="UTC", is_caregiver=False))
    await matcher.run_once()
    assert (await facts.request_of(mentee))["status"] == "proposed"
    assert (await facts.request_of(mentee))["unmatched_reason"] is None


async def _history(facts: Facts, association: UUID, waited: timedelta) -> None:
    """A request of `association` proposed `waited` after it was made, a week ago."""
    request_id, proposed_at = uuid4(), datetime.now(UTC) - timedelta(days=7)
    await facts.pool.execute(
        "INSERT INTO requests (request_id, mentee_id, association_id, status, created_at)"
        " VALUES ($1, $2, $3, 'matched', $4)",
        request_id,
        uuid4(),
        association,
        proposed_at - waited,
    )
    await facts.pool.execute(
        "INSERT INTO proposals (match_id, request_id, mentee_id, association_id, mentor_id, mentor_association_id,"
        " score, breakdown, status, created_at, expires_at)"
        " SELECT $1, request_id, mentee_id, association_id, $2, association_id, 50000, '{}', 'accepted', $3, $3"
        " FROM requests WHERE request_id = $4",
        uuid4(),
        uuid4(),
        proposed_at,
        request_id,
    )


async def _accept(facts: Facts, match_id: UUID) -> None:
    """What accepting does (helper E's workflow): the proposal accepted, an active mentorship."""
    async with facts.pool.acquire() as conn, conn.transaction():
        await conn.execute("UPDATE proposals SET status = 'accepted' WHERE match_id = $1", match_id)
        await conn.execute(
            "UPDATE requests SET status = 'matched' WHERE request_id = (SELECT request_id FROM proposals"
            " WHERE match_id = $1)",
            match_id,
        )
        await conn.execute(
            "INSERT INTO mentorships (match_id, mentee_id, mentor_id, association_id, status)"
            " SELECT match_id, mentee_id, mentor_id, association_id, 'active' FROM proposals WHERE match_id = $1",
            match_id,
        )


async def test_consent_withdrawal_withdraws_proposals_and_ends_mentorships(facts: Facts) -> None:
    association = uuid4()
    mentor = await facts.mentor(association, capacity=2)
    waiting, matched = await facts.mentee(association), await facts.mentee(association)
    matcher = Matcher(facts.pool, MatcherSettings())
    assert (await matcher.run_once()).proposed == 2
    await _accept(facts, await facts.pool.fetchval("SELECT match_id FROM proposals WHERE mentee_id = $1", matched))

    await facts.apply(ConsentChanged(member_id=mentor, kind="health_data", granted=False, version="1"))
    assert await facts.load_of(mentor) == 0
    statuses = await facts.pool.fetch("SELECT mentee_id, status FROM proposals")
    assert {row["mentee_id"]: row["status"] for row in statuses} == {waiting: "withdrawn", matched: "accepted"}
    [declined] = await facts.messages("match.declined")
    assert declined["mentee_id"] == str(waiting) and declined["reason"] == "withdrawn: consent withdrawn"
    [ended] = await facts.messages("mentorship.ended")
    assert (ended["mentee_id"], ended["outcome"], ended["reason"]) == (str(matched), "ended_early", "consent withdrawn")
    assert await facts.pool.fetchval("SELECT end_reason FROM mentorships") == "consent withdrawn"
    assert (await facts.request_of(waiting))["status"] == "open"

    # the mentor without consent is no longer proposed; with it again, they are
    await matcher.run_once()
    assert (await facts.request_of(waiting))["status"] == "open"
    await facts.apply(ConsentChanged(member_id=mentor, kind="health_data", granted=True, version="2"))
    assert (await matcher.run_once()).proposed == 1


async def test_federation_consent_withdrawal_ends_only_pairs_across_associations(facts: Facts) -> None:
    home, away = uuid4(), uuid4()
    federated = {
        "consents": ["health_data", "peer_matching", "federation_matching"],
        "federation_matching_allowed": True,
    }
    mentor = await facts.mentor(home, capacity=2, snapshot=federated)
    local = await facts.mentee(home)
    remote = await facts.mentee(away, **federated)
    assert (await Matcher(facts.pool, MatcherSettings()).run_once()).proposed == 2
    await facts.apply(ConsentChanged(member_id=mentor, kind="federation_matching", granted=False, version="1"))
    statuses = await facts.pool.fetch("SELECT mentee_id, status FROM proposals")
    assert {row["mentee_id"]: row["status"] for row in statuses} == {local: "proposed", remote: "withdrawn"}
    assert await facts.load_of(mentor) == 1


async def test_a_mentor_who_leaves_or_is_erased_frees_their_mentees(facts: Facts) -> None:
    association = uuid4()
    leaving = await facts.mentor(association, diagnosed_in={"M79.7": years_ago(10)})
    erased = await facts.mentor(association, diagnosed_in={"M79.7": years_ago(6)})
    last = await facts.mentor(association, diagnosed_in={"M79.7": years_ago(2)})
    mentee = await facts.mentee(association)
    matcher = Matcher(facts.pool, MatcherSettings())

    await matcher.run_once()
    assert await facts.pool.fetchval("SELECT mentor_id FROM proposals WHERE status = 'proposed'") == leaving
    await facts.apply(MemberLeft(member_id=leaving, association_id=association))
    assert await facts.pool.fetchval("SELECT status FROM proposals WHERE mentor_id = $1", leaving) == "withdrawn"
    await matcher.run_once()
    match_id = await facts.pool.fetchval("SELECT match_id FROM proposals WHERE mentor_id = $1", erased)
    await _accept(facts, match_id)

    await facts.apply(MemberErased(member_id=erased, association_id=association))
    [ended] = await facts.messages("mentorship.ended")
    assert (ended["match_id"], ended["reason"]) == (str(match_id), "erased")
    for table, column in (("proposals", "mentor_id"), ("mentorships", "mentor_id"), ("people", "member_id")):
        assert await facts.pool.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = $1", erased) == 0

    # the mentee asks again; the one mentor left is proposed
    await facts.apply(joined(mentee, association, wants_mentor=True))
    await matcher.run_once()
    assert await facts.pool.fetchval("SELECT mentor_id FROM proposals WHERE status = 'proposed'") == last


async def test_association_weights_decide_between_mentors(facts: Facts) -> None:
    association = uuid4()
    experienced = await facts.mentor(association, diagnosed_in={"M79.7": years_ago(20)}, modalities=["video"])
    by_phone = await facts.mentor(association, diagnosed_in={"M79.7": years_ago(1)}, modalities=["phone"])
    mentee = await facts.mentee(association)
    await facts.pool.execute('UPDATE requests SET preferences = \'{"modality": "phone"}\' WHERE mentee_id = $1', mentee)
    # this association cares only for preferences
    await facts.pool.execute(
        "INSERT INTO association_weights (association_id, weights) VALUES ($1, $2)",
        association,
        {"condition": 0, "availability": 0, "preferences": 50, "experience": 0, "waiting": 0},
    )
    await Matcher(facts.pool, MatcherSettings()).run_once()
    # with the default weights the experienced mentor would win (10 experience points against 1, for 5
    # preference points fewer)
    assert await facts.pool.fetchval("SELECT mentor_id FROM proposals") == by_phone
    assert await facts.pool.fetchval("SELECT load FROM mentors WHERE member_id = $1", experienced) == 0


async def test_a_request_no_mentor_can_take_points_to_the_associations_events_for_the_condition(
    facts: Facts,
) -> None:
    association, elsewhere = uuid4(), uuid4()
    now = datetime.now(UTC)

    def published(
        title: str, codes: list[str], starts_in: timedelta, host: UUID = association, weeks: int = 1
    ) -> ConferencePublished:
        starts_at = now + starts_in
        return ConferencePublished(
            conference_id=uuid4(),
            association_id=host,
            kind="circle",
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            time_zone="Europe/Paris",
            languages=["fr"],
            audience=["patients"],
            conditions=codes,
            capacity=8,
            meetings=weeks,
            open_until=starts_at + timedelta(weeks=weeks - 1),
        )

    later = published("Migraine: the long view", ["G43"], timedelta(days=20))
    under_way = published("Weekly migraine circle", ["G43"], -timedelta(days=1), weeks=3)  # takes people still
    soon = published("Newly diagnosed with migraine", ["G43.1"], timedelta(days=5))
    cancelled = published("Cancelled", ["G43"], timedelta(days=2))
    for data in (
        later,
        soon,
        under_way,
        published("Ended circle", ["G43"], -timedelta(days=15), weeks=2),
        cancelled,
        published("Another association's", ["G43"], timedelta(days=1), host=elsewhere),
        published("Fibromyalgia", ["M79.7"], timedelta(days=1)),
        published("For everyone", [], timedelta(days=1)),
        ConferenceCancelled(conference_id=cancelled.conference_id, association_id=association),
    ):
        assert await apply_once(facts.pool, GROUP, new_envelope(data, source="events"), apply_conference_message)
    await facts.mentee(association, conditions=["G43.1"])  # nobody mentors migraine here

    await Matcher(facts.pool, MatcherSettings()).run_once()

    [unmatched] = await facts.messages("request.unmatched")
    assert unmatched["reason"] == "no_mentor_for_condition"
    assert [s["title"] for s in unmatched["suggestions"]] == [under_way.title, soon.title, later.title], (
        "soonest first; a circle under way takes people until its last meeting"
    )
