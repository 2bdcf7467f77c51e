"""SQL for stories and the "this helped me" of their readers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg

from community.domain.stories import Story

COLUMNS = (
    "s.story_id, s.author_id, s.association_id, s.pen_name, s.title, s.body, s.language, s.topics, s.conditions,"
    " s.visibility, s.status, s.consent_version, s.consented_at, s.moderator_note, s.published_at, s.created_at,"
    " s.updated_at, s.at_risk, (SELECT count(*) FROM story_helped h WHERE h.story_id = s.story_id) AS helped"
)


def story_of(row: Mapping[str, Any]) -> Story:
    return Story(**{**row, "topics": list(row["topics"]), "conditions": list(row["conditions"])})


async def insert(conn: asyncpg.Connection, story: Story) -> None:
    await conn.execute(
        "INSERT INTO stories (story_id, author_id, association_id, pen_name, title, body, language, topics,"
        " conditions, visibility, consent_version, consented_at, at_risk) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
        " $9, $10, $11, $12, $13)",
        story.story_id,
        story.author_id,
        story.association_id,
        story.pen_name,
        story.title,
        story.body,
        story.language,
        story.topics,
        story.conditions,
        story.visibility,
        story.consent_version,
        story.consented_at,
        story.words_suggest_risk,
    )


async def get(conn: asyncpg.Connection, story_id: UUID, *, lock: bool = False) -> Story | None:
    suffix = " FOR UPDATE OF s" if lock else ""
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM stories s WHERE s.story_id = $1{suffix}", story_id)
    return None if row is None else story_of(row)


async def rewrite(conn: asyncpg.Connection, story: Story) -> None:
    """The author's new words: back to the moderators (`pending`), unpublished until they decide again."""
    await conn.execute(
        "UPDATE stories SET pen_name = $2, title = $3, body = $4, language = $5, topics = $6, conditions = $7,"
        " visibility = $8, consent_version = $9, consented_at = $10, status = 'pending', published_at = NULL,"
        " at_risk = $11, updated_at = now() WHERE story_id = $1",
        story.story_id,
        story.pen_name,
        story.title,
        story.body,
        story.language,
        story.topics,
        story.conditions,
        story.visibility,
        story.consent_version,
        story.consented_at,
        story.words_suggest_risk,
    )


async def decide(conn: asyncpg.Connection, story_id: UUID, status: str, note: str, moderator: UUID) -> None:
    await conn.execute(
        "UPDATE stories SET status = $2, moderator_note = $3, moderated_by = $4, updated_at = now(),"
        " published_at = CASE WHEN $2 = 'published' THEN now() END WHERE story_id = $1",
        story_id,
        status,
        note,
        moderator,
    )


async def delete(conn: asyncpg.Connection, story_id: UUID) -> None:
    await conn.execute("DELETE FROM stories WHERE story_id = $1", story_id)


async def delete_of_member(conn: asyncpg.Connection, member_id: UUID) -> None:
    """Everything of the member: their stories (with their readers' "helped") and their own "helped"."""
    await conn.execute("DELETE FROM stories WHERE author_id = $1", member_id)
    await conn.execute("DELETE FROM story_helped WHERE member_id = $1", member_id)


async def of_author(conn: asyncpg.Connection, author_id: UUID) -> list[Story]:
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM stories s WHERE s.author_id = $1 ORDER BY s.updated_at DESC", author_id
    )
    return [story_of(row) for row in rows]


async def queue(conn: asyncpg.Connection, associations: list[UUID], limit: int = 100) -> list[Story]:
    """Stories waiting for a moderator of `associations`: those whose words suggest a risk first, then the
    longest-waiting."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM stories s WHERE s.status = 'pending' AND s.association_id = ANY($1::uuid[])"
        " ORDER BY s.at_risk DESC, s.updated_at LIMIT $2",
        associations,
        limit,
    )
    return [story_of(row) for row in rows]


async def published(
    conn: asyncpg.Connection,
    *,
    public_only: bool,
    associations: list[UUID],
    conditions: list[str],
    words: str | None,
    topic: str | None,
    limit: int,
) -> list[Story]:
    """Published stories the reader may read (public ones; with `public_only` false, the federation's too and
    those of `associations`), ranked: related to `conditions` by the ICD-10 hierarchy first (the same code,
    then one within the other), then by how well they match `words` (full-text, in each story's language),
    then the newest."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM stories s WHERE s.status = 'published'"
        " AND (s.visibility = 'public' OR (NOT $1 AND (s.visibility = 'federation'"
        "      OR (s.visibility = 'association' AND s.association_id = ANY($2::uuid[])))))"
        " AND ($4::text IS NULL OR s.search @@ websearch_to_tsquery("
        "      CASE s.language WHEN 'fr' THEN 'french'::regconfig ELSE 'english'::regconfig END, $4))"
        " AND ($5::text IS NULL OR $5 = ANY(s.topics))"
        " ORDER BY"
        "   (SELECT coalesce(max(CASE WHEN mine = its THEN 2 WHEN starts_with(mine, its) OR starts_with(its, mine)"
        "    THEN 1 ELSE 0 END), 0) FROM unnest($3::text[]) AS mine, unnest(s.conditions) AS its) DESC,"
        "   CASE WHEN $4::text IS NULL THEN 0 ELSE ts_rank(s.search, websearch_to_tsquery("
        "    CASE s.language WHEN 'fr' THEN 'french'::regconfig ELSE 'english'::regconfig END, $4)) END DESC,"
        "   s.published_at DESC"
        " LIMIT $6",
        public_only,
        associations,
        conditions,
        words,
        topic,
        limit,
    )
    return [story_of(row) for row in rows]


async def mark_helped(conn: asyncpg.Connection, story_id: UUID, member_id: UUID) -> None:
    await conn.execute(
        "INSERT INTO story_helped (story_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", story_id, member_id
    )
