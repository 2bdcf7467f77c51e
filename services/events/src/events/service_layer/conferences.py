"""Use cases of hosts: an association's admins create an event as a draft, publish, reschedule or cancel it.

A change that affects the people registered tells each of them (a message per place, position or offer):
events knows who they are; notifications writes to them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID, uuid4

import asyncpg

from events.adapters import conferences, members, registrations
from events.domain import reminders
from events.domain.conferences import Conference
from events.domain.places import Registration
from events.service_layer.registrations import RULES, hold_over, offer_freed_places, place_facts
from shared.contracts.events import (
    ConferenceCancelled,
    ConferencePublished,
    ConferenceRescheduled,
    ConferenceSuggested,
    EventCancelled,
    EventRescheduled,
    MaterialsAvailable,
)
from shared.db.outbox import enqueue
from shared.dependencies import Clock, utc_now
from shared.errors import Conflict, Forbidden, NotFound
from shared.web.auth import Principal


async def create(pool: asyncpg.Pool, caller: Principal, draft: Conference) -> Conference:
    """A new draft hosted by `draft.association_id`, whose admins alone may create it."""
    caller.require_role(draft.association_id, "admin", to=f"create a {draft.kind} for it")
    conference = replace(draft, conference_id=uuid4(), status="draft", held=0, sequence=0)
    async with pool.acquire() as conn, conn.transaction():
        linked = [speaker for speaker in conference.speakers if speaker.member_id]
        if linked:
            ids = [speaker.member_id for speaker in linked if speaker.member_id]
            confirmed = await members.holding_role(conn, ids, conference.hosts, "hcp")
            if wrong := [
                speaker.name for speaker in linked if speaker.member_id not in confirmed or speaker.kind != "hcp"
            ]:
                raise Conflict(
                    f"{', '.join(wrong)}: a linked speaker must hold the healthcare professional role in a host"
                    " association (an admin gives it in membership)"
                )
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
                meetings=conference.meetings,
                open_until=conference.closes_at,
            ),
        )
        await _suggest(conn, conference)
        return await _get(conn, conference_id)


async def _suggest(conn: asyncpg.Connection, conference: Conference) -> None:
    """Tell the hosts' members whose conditions the event is for; events decides who, so the message says
    only which event (notifications never learns anyone's conditions). An event for no condition in
    particular is told to nobody this way: people find it in the list."""
    if not conference.conditions:
        return
    found = await members.matching_members(conn, conference.hosts, list(conference.conditions))
    for member_id, association_id in found:
        await enqueue(
            conn,
            ConferenceSuggested(
                conference_id=conference.conference_id,
                member_id=member_id,
                association_id=association_id,
                kind=conference.kind,
                title=conference.title,
                starts_at=conference.starts_at,
            ),
        )


async def reschedule(
    pool: asyncpg.Pool,
    caller: Principal,
    conference_id: UUID,
    starts_at: datetime,
    ends_at: datetime,
    *,
    clock: Clock = utc_now,
) -> Conference:
    """Move the event; everyone registered, offered a place or waiting is told, and their calendar entry
    follows (same UID, one more SEQUENCE). Offers never outlast the new start."""
    now = clock()
    async with pool.acquire() as conn, conn.transaction():
        conference = await _locked_as_host(conn, caller, conference_id, "reschedule")
        conference.check_movable(now)
        if starts_at <= now:
            raise Conflict("the new start must be in the future")
        await conferences.reschedule(conn, replace(conference, starts_at=starts_at, ends_at=ends_at))
        moved = await _get(conn, conference_id)
        if moved.status == "published":
            latest = RULES.deadline(now, starts_at) or now
            await registrations.shorten_offers(conn, conference_id, latest)
            # A reminder whose moment for the new time is still ahead comes again then, with the new time; one
            # whose moment has passed is not repeated (the notice of the change tells the person now).
            await registrations.keep_reminded(conn, conference_id, reminders.passed(starts_at, now))
            await enqueue(
                conn,
                ConferenceRescheduled(
                    conference_id=conference_id,
                    association_id=moved.association_id,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    sequence=moved.sequence,
                    open_until=moved.closes_at,
                ),
            )
            for registration in await registrations.live_at(conn, conference_id):
                await enqueue(
                    conn,
                    EventRescheduled(
                        **place_facts(moved, registration),
                        previous_starts_at=conference.starts_at,
                    ),
                )
        return moved


async def cancel(
    pool: asyncpg.Pool, caller: Principal, conference_id: UUID, reason: str, *, clock: Clock = utc_now
) -> Conference:
    """Call the event off: every place, offer and position ends, and each person is told."""
    async with pool.acquire() as conn, conn.transaction():
        conference = await _locked_as_host(conn, caller, conference_id, "cancel")
        conference.check_changeable(clock(), "cancelled")
        told = await registrations.live_at(conn, conference_id)
        await registrations.end_all(conn, conference_id)
        await conferences.cancel(conn, conference_id)
        if conference.status == "published":
            await enqueue(
                conn,
                ConferenceCancelled(
                    conference_id=conference_id, association_id=conference.association_id, reason=reason
                ),
            )
            for registration in told:
                await enqueue(conn, EventCancelled(**place_facts(conference, registration)))
        return await _get(conn, conference_id)


async def edit(
    pool: asyncpg.Pool,
    caller: Principal,
    conference_id: UUID,
    *,
    title: str | None = None,
    description: str | None = None,
    capacity: int | None = None,
    clock: Clock = utc_now,
) -> Conference:
    """Change what the event says, or its number of places: more places go at once to those waiting; fewer
    may not drop below the places already taken or offered."""
    now = clock()
    async with pool.acquire() as conn, conn.transaction():
        conference = await _locked_as_host(conn, caller, conference_id, "change")
        conference.check_changeable(now, "changed")
        if capacity is not None and capacity < conference.held:
            raise Conflict(
                f"{conference.held} places are taken or offered already: the {conference.kind} needs at least that many"
            )
        await conferences.edit(conn, conference_id, title=title, description=description, capacity=capacity)
        if capacity is not None and capacity > conference.capacity:
            await offer_freed_places(conn, conference_id, now)
        return await _get(conn, conference_id)


def is_host_admin(caller: Principal, conference: Conference) -> bool:
    """Whether the caller is an admin of one of the event's host associations."""
    return any(caller.has_role(host, "admin") for host in conference.hosts)


async def _locked_as_host(conn: asyncpg.Connection, caller: Principal, conference_id: UUID, action: str) -> Conference:
    conference = await conferences.get(conn, conference_id, lock=True)
    if conference is None or not is_host_admin(caller, conference):
        if conference is not None and conference.status != "draft":
            caller.require_role(conference.association_id, "admin", to=f"{action} its {conference.kind}")
        raise NotFound("there is no event with this id")
    return conference


async def visible(pool: asyncpg.Pool, caller: Principal, conference_id: UUID) -> Conference:
    """The event as the caller may see it: a draft only by its hosts' admins (to others it does not exist)."""
    async with pool.acquire() as conn:
        return await visible_in(conn, caller, conference_id)


async def visible_in(conn: asyncpg.Connection, caller: Principal, conference_id: UUID) -> Conference:
    """`visible`, on a connection the caller already holds (in its transaction)."""
    conference = await _get(conn, conference_id)
    if conference.status == "draft" and not is_host_admin(caller, conference):
        raise NotFound("there is no event with this id")
    return conference


async def upcoming(pool: asyncpg.Pool, caller: Principal, *, clock: Clock = utc_now) -> list[tuple[Conference, bool]]:
    """What is coming, soonest first, each with whether it is for the caller's conditions (known to events only
    while they consent to the use of their health data)."""
    async with pool.acquire() as conn:
        coming = await conferences.upcoming(conn, clock())
        codes = await members.codes_of(conn, caller.member_id)
    return [(conference, conference.is_for(codes)) for conference in coming]


async def _get(conn: asyncpg.Connection, conference_id: UUID) -> Conference:
    conference = await conferences.get(conn, conference_id)
    if conference is None:
        raise NotFound("there is no event with this id")
    return conference


async def hosted(pool: asyncpg.Pool, caller: Principal, association_id: UUID) -> list[Conference]:
    """The events an association hosts or co-hosts, drafts included (its admins only)."""
    caller.require_role(association_id, "admin", to="see the events it hosts")
    async with pool.acquire() as conn:
        return await conferences.hosted_by(conn, association_id)


@dataclass(frozen=True, slots=True)
class Figures:
    registered: int = 0
    waitlisted: int = 0
    offered: int = 0
    gave_up: int = 0
    promoted: int = 0
    attended: int = 0
    answers: int = 0  # feedback given
    ratings: int = 0  # the feedback's ratings, summed (their mean is ratings / answers)


@dataclass(frozen=True, slots=True)
class Registrants:
    """What a host's admin sees: their own associations' registrants and figures, and the figures of every
    host together (attendance rolls up; other hosts' people stay theirs)."""

    registrations: list[Registration]
    own: Figures
    everyone: Figures
    comments: list[str]  # the feedback of their own members


async def registrants(pool: asyncpg.Pool, caller: Principal, conference_id: UUID) -> Registrants:
    async with pool.acquire() as conn:
        conference = await _get(conn, conference_id)
        own = [host for host in conference.hosts if caller.has_role(host, "admin")]
        if not own:
            raise Forbidden("only an admin of a host association can see who registered")
        found = await registrations.of_hosts(conn, conference_id, own)
        by_association: dict[UUID, dict[str, int]] = {}
        for row in [
            *await registrations.figures(conn, conference_id),
            *await registrations.feedback_figures(conn, conference_id),
        ]:
            counts = by_association.setdefault(row["association_id"], {})
            counts.update({key: value for key, value in row.items() if key != "association_id"})
        comments = await registrations.feedback_comments(conn, conference_id, own)

    def total(associations: list[UUID]) -> Figures:
        return Figures(
            **{name: sum(by_association[a].get(name, 0) for a in associations) for name in Figures.__dataclass_fields__}
        )

    return Registrants(found, total([a for a in by_association if a in own]), total(list(by_association)), comments)


async def set_join_link(pool: asyncpg.Pool, caller: Principal, conference_id: UUID, url: str) -> None:
    """The online meeting's address (any video platform), shown to people with a place shortly before the start."""
    async with pool.acquire() as conn, conn.transaction():
        conference = await _locked_as_host(conn, caller, conference_id, "give the link of")
        if conference.status == "cancelled":
            raise Conflict(f"this {conference.kind} is cancelled")
        await conferences.set_join_url(conn, conference_id, url)


async def add_co_host(pool: asyncpg.Pool, caller: Principal, conference_id: UUID, association_id: UUID) -> Conference:
    """Another association of the federation hosts the event too (asked by an admin of the first host): its
    admins see and moderate it, and see their own members' registrations."""
    async with pool.acquire() as conn, conn.transaction():
        conference = await _locked_as_host(conn, caller, conference_id, "add a co-host to")
        caller.require_role(conference.association_id, "admin", to=f"add a co-host to its {conference.kind}")
        if association_id == conference.association_id:
            raise Conflict("this association already hosts the event")
        await conferences.add_co_host(conn, conference_id, association_id)
        return await _get(conn, conference_id)


async def publish_materials(
    pool: asyncpg.Pool,
    caller: Principal,
    conference_id: UUID,
    recording: str | None,
    slides: str | None,
    *,
    clock: Clock = utc_now,
) -> Conference:
    """After the event: the recording and slides go to everyone who had a place (they came or not), with a
    request for their feedback; published again, the new links are sent again."""
    async with pool.acquire() as conn, conn.transaction():
        conference = await _locked_as_host(conn, caller, conference_id, "publish the materials of")
        conference.check_ended(clock(), "publishing its materials")
        if conference.status == "published":  # over before the sweeper came by: it is held first
            await hold_over(conn, conference)
        await conferences.publish_materials(conn, conference_id, recording, slides)
        published = await _get(conn, conference_id)
        for registration, attended in await registrations.holders(conn, conference_id):
            await enqueue(conn, MaterialsAvailable(**place_facts(published, registration), attended=attended))
        return published
