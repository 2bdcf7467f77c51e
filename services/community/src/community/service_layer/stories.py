"""Use cases of stories: a member writes (or rewrites) one, a moderator of their association decides, readers
find and read what they may, say "this helped me", and the author withdraws it whenever they wish.

A decision and the message telling the author commit together (the outbox); the message names the story
and its author only.
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

import asyncpg

from community.adapters import stories
from community.domain.stories import MODERATING_ROLES, Decision, Story, check_writing
from shared.contracts.community import StoryChangesRequested, StoryDeclined, StoryPublished
from shared.db.outbox import enqueue
from shared.dependencies import Clock, utc_now
from shared.errors import Forbidden, NotFound
from shared.web.auth import Principal

TOLD = {"published": StoryPublished, "changes_requested": StoryChangesRequested, "declined": StoryDeclined}


async def write(pool: asyncpg.Pool, caller: Principal, draft: Story, *, clock: Clock = utc_now) -> Story:
    """A new story by the caller, for their association's moderators to read first."""
    if not caller.is_member_of(draft.association_id):
        raise Forbidden("you can write a story for an association you belong to")
    check_writing(draft.pen_name, draft.body)
    now = clock()
    story = replace(
        draft,
        story_id=uuid4(),
        author_id=caller.member_id,
        status="pending",
        consented_at=now,
        moderator_note="",
        published_at=None,
        created_at=now,
        updated_at=now,
    )
    async with pool.acquire() as conn:
        await stories.insert(conn, story)
        return await _get(conn, story.story_id)


async def rewrite(
    pool: asyncpg.Pool, caller: Principal, story_id: UUID, new: Story, *, clock: Clock = utc_now
) -> Story:
    """The author's new version (even of a published story): unpublished until a moderator reads it again."""
    check_writing(new.pen_name, new.body)
    async with pool.acquire() as conn, conn.transaction():
        story = await _own(conn, caller, story_id, lock=True)
        await stories.rewrite(conn, replace(new, story_id=story.story_id, consented_at=clock()))
        return await _get(conn, story_id)


async def withdraw(pool: asyncpg.Pool, caller: Principal, story_id: UUID) -> None:
    """The author takes the story back: it is deleted, with its readers' "helped" (gone everywhere)."""
    async with pool.acquire() as conn, conn.transaction():
        await _own(conn, caller, story_id, lock=True)
        await stories.delete(conn, story_id)


async def decide(pool: asyncpg.Pool, caller: Principal, story_id: UUID, decision: Decision, note: str) -> Story:
    """A moderator of the author's association publishes the story, asks for changes or declines it (saying
    why, for the author); the author is told."""
    async with pool.acquire() as conn, conn.transaction():
        story = await stories.get(conn, story_id, lock=True)
        if story is None or not story.readable_by(caller):
            raise NotFound("there is no story with this id")
        if not story.is_moderator(caller):
            raise Forbidden("only a moderator or an admin of the author's association can decide on a story")
        if story.author_id == caller.member_id:
            raise Forbidden("another moderator of your association decides on your own story")
        status = story.check_decision(decision, note)
        await stories.decide(conn, story_id, status, note.strip(), caller.member_id)
        await enqueue(
            conn, TOLD[status](story_id=story_id, member_id=story.author_id, association_id=story.association_id)
        )
        return await _get(conn, story_id)


async def read(pool: asyncpg.Pool, reader: Principal | None, story_id: UUID) -> Story:
    """The story, for a reader who may read it (to anyone else it does not exist)."""
    async with pool.acquire() as conn:
        story = await stories.get(conn, story_id)
    if story is None or not story.readable_by(reader):
        raise NotFound("there is no story with this id (it may have been withdrawn)")
    return story


async def find(
    pool: asyncpg.Pool,
    reader: Principal | None,
    *,
    conditions: list[str],
    words: str | None,
    topic: str | None,
    limit: int = 50,
) -> list[Story]:
    """Published stories the reader may read, those related to `conditions` first (by the ICD-10 hierarchy),
    then by `words`, then the newest."""
    associations = [] if reader is None else [UUID(a) for a, roles in reader.roles.items() if roles]
    async with pool.acquire() as conn:
        return await stories.published(
            conn,
            public_only=reader is None or not associations,
            associations=associations,
            conditions=conditions,
            words=words,
            topic=topic,
            limit=limit,
        )


async def mine(pool: asyncpg.Pool, caller: Principal) -> list[Story]:
    async with pool.acquire() as conn:
        return await stories.of_author(conn, caller.member_id)


async def queue(pool: asyncpg.Pool, caller: Principal) -> list[Story]:
    """The stories waiting for the caller, as a moderator or an admin of their associations."""
    moderated = [UUID(a) for a, roles in caller.roles.items() if set(roles) & set(MODERATING_ROLES)]
    if not moderated:
        raise Forbidden("only moderators and admins of an association read its stories before publication")
    async with pool.acquire() as conn:
        return await stories.queue(conn, moderated)


async def helped(pool: asyncpg.Pool, caller: Principal, story_id: UUID) -> Story:
    """The reader says the story helped them (once; a count, no comment)."""
    async with pool.acquire() as conn:
        story = await stories.get(conn, story_id)
        if story is None or story.status != "published" or not story.readable_by(caller):
            raise NotFound("there is no published story with this id")
        await stories.mark_helped(conn, story_id, caller.member_id)
        return await _get(conn, story_id)


async def _own(conn: asyncpg.Connection, caller: Principal, story_id: UUID, *, lock: bool = False) -> Story:
    story = await stories.get(conn, story_id, lock=lock)
    if story is None or story.author_id != caller.member_id:
        raise NotFound("you have no story with this id")
    return story


async def _get(conn: asyncpg.Connection, story_id: UUID) -> Story:
    story = await stories.get(conn, story_id)
    if story is None:
        raise NotFound("there is no story with this id")
    return story
