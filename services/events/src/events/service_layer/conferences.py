"""Use cases of hosts: an association's admins create an event as a draft and publish it."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

import asyncpg

from events.adapters import conferences
from events.domain.conferences import Conference
from shared.contracts.events import ConferencePublished
from shared.db.outbox import enqueue
from shared.dependencies import Clock, utc_now
from shared.errors import NotFound
from shared.web.auth import Principal


async def create(pool: asyncpg.Pool, caller: Principal, draft: Conference) -> Conference:
    """A new draft hosted by `draft.association_id`, whose admins alone may create it."""
    caller.require_role(draft.association_id, "admin", to=f"create a {draft.kind} for it")
    conference = replace(draft, conference_id=uuid4(), status="draft", held=0, sequence=0)
    async with pool.acquire() as conn, conn.transaction():
        await conferences.insert(conn, conference, caller.member_id)
        return await _get(conn, conference.conference_id)


async def publish(pool: asyncpg.Pool, caller: Principal, conference_id: UUID, *, clock: Clock = utc_now) -> Conference:
    """Open a draft for registration and announce it."""
    async with pool.acquire() as conn, conn.transaction():
        conference = await conferences.get(conn, conference_id, lock=True)
        if conference is None:
            raise NotFound("there is no event with this id")
        caller.require_role(conference.association_id, "admin", to=f"publish its {conference.kind}")
        conference.check_publishable(clock())
        await conferences.set_status(conn, conference_id, "published")
        await enqueue(
            conn,
            ConferencePublished(
                conference_id=conference_id,
                association_id=conference.association_id,
                kind=conference.kind,
                title=conference.title,
                starts_at=conference.starts_at,
                ends_at=conference.ends_at,
                time_zone=conference.time_zone,
                languages=conference.languages,
                audience=conference.audience,
                conditions=conference.conditions,
                capacity=conference.capacity,
                co_hosts=conference.co_hosts,
            ),
        )
        return await _get(conn, conference_id)


async def visible(pool: asyncpg.Pool, caller: Principal, conference_id: UUID) -> Conference:
    """The event as the caller may see it: a draft only by its hosts' admins (to others it does not exist)."""
    async with pool.acquire() as conn:
        conference = await _get(conn, conference_id)
    if conference.status == "draft" and not any(caller.has_role(host, "admin") for host in conference.hosts):
        raise NotFound("there is no event with this id")
    return conference


async def upcoming(pool: asyncpg.Pool, *, clock: Clock = utc_now) -> list[Conference]:
    async with pool.acquire() as conn:
        return await conferences.upcoming(conn, clock())


async def _get(conn: asyncpg.Connection, conference_id: UUID) -> Conference:
    conference = await conferences.get(conn, conference_id)
    if conference is None:
        raise NotFound("there is no event with this id")
    return conference
