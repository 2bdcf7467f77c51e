"""Use cases of Q&A: people with a place (or in line) ask and upvote; the hosts' admins moderate; the asker
follows their own questions (and reads the referral text when theirs asked for personal medical advice)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

import asyncpg

from events.adapters import questions, registrations
from events.domain.conferences import Conference
from events.domain.places import LIVE
from events.domain.questions import VISIBLE, WAITING, Action, Question, decide, referral_text, screen
from events.service_layer.conferences import is_host_admin, visible, visible_in
from shared.errors import Conflict, Forbidden, NotFound
from shared.text import check_short_text
from shared.web.auth import Principal


@dataclass(frozen=True, slots=True)
class Listed:
    """A question as one reader sees it."""

    question: Question
    mine: bool
    voted: bool
    referral: str | None  # the association's referral text, on the asker's own referred question


async def _taking_part(conn: asyncpg.Connection, caller: Principal, conference: Conference) -> UUID:
    """The association the caller takes part through (their registration's); Forbidden when they have no place
    and are not in line."""
    registration = await registrations.live_of(conn, conference.conference_id, caller.member_id)
    if registration is None or registration.status not in LIVE:
        raise Forbidden("register for the event (or join its waiting list) to ask or vote")
    return registration.association_id


def one_paragraph(text: str, shortest: int = 1) -> str:
    """The text on one line (line breaks and tabs become spaces), checked like every short text; ValueError
    naming a refused character, or when fewer than `shortest` characters are left. The HTTP models apply it
    to what people write."""
    written = check_short_text(" ".join(text.split()))
    if len(written) < shortest:
        raise ValueError(f"write at least {shortest} characters")
    return written


async def ask(
    pool: asyncpg.Pool, caller: Principal, conference_id: UUID, text: str, *, shown_name: str | None
) -> Question:
    """A question enters moderation: held when it contains personal details, otherwise pending."""
    conference = await visible(pool, caller, conference_id)
    if conference.status in {"cancelled", "draft"}:
        raise Conflict(f"this {conference.kind} is {conference.status}: it takes no questions")
    async with pool.acquire() as conn:
        association = await _taking_part(conn, caller, conference)
        return await questions.insert(
            conn, uuid4(), conference_id, caller.member_id, association, text, shown_name, screen(text)
        )


async def listing(pool: asyncpg.Pool, caller: Principal, conference_id: UUID, locale: str) -> list[Listed]:
    """What the caller reads: the approved and answered questions, most voted first, and their own in any state."""
    await visible(pool, caller, conference_id)
    async with pool.acquire() as conn:
        found = await questions.of_conference(conn, conference_id, sorted(VISIBLE), caller.member_id)
        voted = await questions.voted_by(conn, conference_id, caller.member_id)
        texts = {}
        for question in found:
            if question.member_id == caller.member_id and question.status == "referred":
                configured = await questions.referral_texts(conn, question.association_id)
                texts[question.question_id] = referral_text(configured, locale)
    return [Listed(q, q.member_id == caller.member_id, q.question_id in voted, texts.get(q.question_id)) for q in found]


async def vote(pool: asyncpg.Pool, caller: Principal, question_id: UUID) -> Question:
    """One upvote per person, on a question shown to the attendees, not on one's own."""
    async with pool.acquire() as conn, conn.transaction():
        question = await questions.get(conn, question_id, lock=True)
        if question is None or question.status not in VISIBLE:
            raise NotFound("there is no question with this id to vote for")
        conference = await visible_in(conn, caller, question.conference_id)
        await _taking_part(conn, caller, conference)
        if question.member_id == caller.member_id:
            raise Conflict("you cannot vote for your own question")
        await questions.vote(conn, question_id, caller.member_id)
        found = await questions.get(conn, question_id)
    assert found is not None
    return found


async def queue(pool: asyncpg.Pool, caller: Principal, conference_id: UUID) -> list[Question]:
    """The moderators' queue: held and pending questions (held first), then the approved ones."""
    conference = await visible(pool, caller, conference_id)
    if not is_host_admin(caller, conference):
        raise Forbidden("only an admin of a host association can moderate its questions")
    async with pool.acquire() as conn:
        return await questions.of_conference(conn, conference_id, [*sorted(WAITING), "approved"])


async def moderate(
    pool: asyncpg.Pool,
    caller: Principal,
    question_id: UUID,
    action: Action,
    *,
    text: str | None = None,
    answer: str | None = None,
    reason: str | None = None,
    into: UUID | None = None,
) -> Question:
    async with pool.acquire() as conn, conn.transaction():
        question = await questions.get(conn, question_id, lock=True)
        if question is None:
            raise NotFound("there is no question with this id")
        conference = await visible_in(conn, caller, question.conference_id)
        if not is_host_admin(caller, conference):
            raise Forbidden("only an admin of a host association can moderate its questions")
        target = await questions.get(conn, into, lock=True) if into else None
        if into and target is None:
            raise NotFound("there is no question with this id to merge into")
        decision = decide(question, action, text=text, answer=answer, reason=reason, into=target)
        await questions.decide(conn, question_id, decision, caller.member_id)
        if decision.merged_into:
            await questions.move_votes(conn, question_id, decision.merged_into)
        found = await questions.get(conn, question_id)
    assert found is not None
    return found


async def referral_texts(pool: asyncpg.Pool, caller: Principal, association_id: UUID) -> dict[str, str]:
    caller.require_role(association_id, "admin", to="see its referral texts")
    async with pool.acquire() as conn:
        return await questions.referral_texts(conn, association_id)


async def set_referral_text(
    pool: asyncpg.Pool, caller: Principal, association_id: UUID, locale: str, text: str
) -> None:
    caller.require_role(association_id, "admin", to="set its referral texts")
    async with pool.acquire() as conn:
        await questions.set_referral_text(conn, association_id, locale, text)
