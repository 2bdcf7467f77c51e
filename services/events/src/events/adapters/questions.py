"""SQL for questions, their votes and the associations' referral texts."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from events.domain.questions import Decision, Question, Screening

COLUMNS = (
    "question_id, conference_id, member_id, association_id, text, shown_name, status, findings, advice_asked,"
    " answer, reason, merged_into, votes, created_at"
)


def _question(row: asyncpg.Record) -> Question:
    fields: dict[str, Any] = dict(row.items())  # jsonb decoded by the pool's codec
    return Question(**fields)


async def insert(
    conn: asyncpg.Connection,
    question_id: UUID,
    conference_id: UUID,
    member_id: UUID,
    association_id: UUID,
    text: str,
    shown_name: str | None,
    screening: Screening,
) -> Question:
    row = await conn.fetchrow(
        "INSERT INTO questions (question_id, conference_id, member_id, association_id, text, shown_name, status,"
        f" findings, advice_asked) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLUMNS}",
        question_id,
        conference_id,
        member_id,
        association_id,
        text,
        shown_name,
        screening.status,
        screening.findings,
        screening.advice_asked,
    )
    return _question(row)


async def get(conn: asyncpg.Connection, question_id: UUID, *, lock: bool = False) -> Question | None:
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM questions WHERE question_id = $1{' FOR UPDATE' if lock else ''}", question_id
    )
    return _question(row) if row else None


async def of_conference(
    conn: asyncpg.Connection, conference_id: UUID, statuses: list[str], member_id: UUID | None = None
) -> list[Question]:
    """The event's questions in `statuses` (and every one of `member_id`'s), most voted first, then oldest."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM questions WHERE conference_id = $1 AND (status = ANY($2::text[]) OR member_id = $3)"
        " ORDER BY status = 'held' DESC, votes DESC, created_at",
        conference_id,
        statuses,
        member_id,
    )
    return [_question(row) for row in rows]


async def voted_by(conn: asyncpg.Connection, conference_id: UUID, member_id: UUID) -> set[UUID]:
    rows = await conn.fetch(
        "SELECT v.question_id FROM question_votes v JOIN questions q USING (question_id)"
        " WHERE q.conference_id = $1 AND v.member_id = $2",
        conference_id,
        member_id,
    )
    return {row["question_id"] for row in rows}


async def vote(conn: asyncpg.Connection, question_id: UUID, member_id: UUID) -> bool:
    """One vote per person: False when they had voted already."""
    added = await conn.fetchval(
        "INSERT INTO question_votes (question_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1",
        question_id,
        member_id,
    )
    if added:
        await conn.execute("UPDATE questions SET votes = votes + 1 WHERE question_id = $1", question_id)
    return bool(added)


async def decide(conn: asyncpg.Connection, question_id: UUID, decision: Decision, moderator: UUID) -> None:
    await conn.execute(
        "UPDATE questions SET status = $2, text = $3, answer = $4, reason = $5, merged_into = $6, decided_by = $7,"
        " decided_at = now(), findings = CASE WHEN $3 = text THEN findings ELSE '[]' END WHERE question_id = $1",
        question_id,
        decision.status,
        decision.text,
        decision.answer,
        decision.reason,
        decision.merged_into,
        moderator,
    )


async def move_votes(conn: asyncpg.Connection, duplicate: UUID, into: UUID) -> None:
    """A merged duplicate's voters vote for the question it joined (once each), and the counts follow."""
    await conn.execute(
        "INSERT INTO question_votes (question_id, member_id)"
        " SELECT $2, member_id FROM question_votes WHERE question_id = $1 ON CONFLICT DO NOTHING",
        duplicate,
        into,
    )
    await conn.execute("DELETE FROM question_votes WHERE question_id = $1", duplicate)
    await conn.execute(
        "UPDATE questions q SET votes = (SELECT count(*) FROM question_votes v WHERE v.question_id = q.question_id)"
        " WHERE question_id = ANY($1::uuid[])",
        [duplicate, into],
    )


async def referral_texts(conn: asyncpg.Connection, association_id: UUID) -> dict[str, str]:
    rows = await conn.fetch("SELECT locale, text FROM referral_texts WHERE association_id = $1", association_id)
    return {row["locale"]: row["text"] for row in rows}


async def set_referral_text(conn: asyncpg.Connection, association_id: UUID, locale: str, text: str) -> None:
    await conn.execute(
        "INSERT INTO referral_texts (association_id, locale, text) VALUES ($1, $2, $3)"
        " ON CONFLICT (association_id, locale) DO UPDATE SET text = EXCLUDED.text, updated_at = now()",
        association_id,
        locale,
        text,
    )


async def forget_member(conn: asyncpg.Connection, member_id: UUID) -> None:
    """An erased person's questions and votes go; the counts of the questions they voted for follow."""
    voted = await conn.fetch("DELETE FROM question_votes WHERE member_id = $1 RETURNING question_id", member_id)
    await conn.execute(
        "UPDATE questions SET votes = votes - 1 WHERE question_id = ANY($1::uuid[])",
        [row["question_id"] for row in voted],
    )
    await conn.execute("DELETE FROM questions WHERE member_id = $1", member_id)
