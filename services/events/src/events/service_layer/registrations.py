"""Use cases of places: register (or join the line), cancel, accept or decline an offered place, and let
offers past their deadline pass to the next person.

Every change of places runs under the event row's lock (`conferences.get(lock=True)`), taken first, so
concurrent registrations and cancellations at one event queue there and each sees the places the previous
one left: the event is never over-booked, and a freed place is offered in the same transaction that frees it.
Each change and the message announcing it commit together (the outbox).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from events.adapters import calendar_feeds, conferences, members, registrations
from events.domain import reminders
from events.domain.calendar import entry_of
from events.domain.conferences import Conference
from events.domain.places import HOLDING, LIVE, OfferRules, QuietHours, Registration, admit, check_change, to_offer
from shared.calendar import calendar_feed as calendar_feed_file
from shared.calendar import calendar_file
from shared.contracts.events import (
    ConferenceHeld,
    FeedbackRequested,
    OfferExpired,
    PlaceOffered,
    RegistrationCancelled,
    RegistrationConfirmed,
    RegistrationWaitlisted,
    Reminder,
)
from shared.db.outbox import enqueue, scrub_mentions
from shared.dependencies import Clock, utc_now
from shared.errors import Conflict, Forbidden, NotFound
from shared.web.auth import Principal

RULES = OfferRules()


def _registrant_association(caller: Principal, conference: Conference) -> UUID:
    """The association the person registers through: a host's, when they belong to one (each host sees its own
    registrants), otherwise their own."""
    theirs = sorted(UUID(a) for a, roles in caller.roles.items() if roles)
    if not theirs:
        raise Forbidden("join an association before registering for events")
    return next((host for host in conference.hosts if host in theirs), theirs[0])


async def register(
    pool: asyncpg.Pool,
    caller: Principal,
    conference_id: UUID,
    *,
    companion: bool = False,
    needs: list[str] | None = None,
    clock: Clock = utc_now,
) -> Registration:
    """A place if one is free and nobody waits, else a position in line."""
    me, places = caller.member_id, 2 if companion else 1
    async with pool.acquire() as conn, conn.transaction():
        conference = await _locked(conn, conference_id)
        conference.check_open(clock())
        if (existing := await registrations.live_of(conn, conference_id, me)) is not None:
            raise Conflict(
                f"you are already {existing.status} for this {conference.kind}",
                extra={"registration_id": str(existing.registration_id)},
            )
        waiting = await registrations.waiting_count(conn, conference_id)
        admission = admit(conference.capacity, conference.held, places, waiting)
        registration = Registration(
            registration_id=uuid4(),
            conference_id=conference_id,
            member_id=me,
            association_id=_registrant_association(caller, conference),
            status=admission.status,
            places=places,
            needs=sorted(set(needs or [])),
            offer_expires_at=None,
            created_at=clock(),
        )
        await registrations.insert(conn, registration)
        facts = place_facts(conference, registration)
        if admission.status == "registered":
            await conferences.hold(conn, conference_id, places)
            await enqueue(conn, RegistrationConfirmed(**facts, places=places))
        else:
            await enqueue(conn, RegistrationWaitlisted(**facts, position=admission.position or waiting + 1))
        return await _registration(conn, registration.registration_id)


async def cancel(
    pool: asyncpg.Pool, caller: Principal, registration_id: UUID, *, clock: Clock = utc_now
) -> Registration:
    """Give up one's place or position in line, at any time; a freed place is offered at once."""
    return await _give_up(pool, caller, registration_id, "cancel", clock)


async def decline(
    pool: asyncpg.Pool, caller: Principal, registration_id: UUID, *, clock: Clock = utc_now
) -> Registration:
    """Say no to an offered place: it goes to the next person in line."""
    return await _give_up(pool, caller, registration_id, "decline", clock)


async def accept(
    pool: asyncpg.Pool, caller: Principal, registration_id: UUID, *, clock: Clock = utc_now
) -> Registration:
    """Take an offered place before its deadline."""
    async with pool.acquire() as conn, conn.transaction():
        registration, conference = await _own_locked(conn, caller, registration_id)
        check_change(registration.status, "accept")
        assert registration.offer_expires_at is not None
        if registration.offer_expires_at <= clock():
            raise Conflict(
                f"this offer ended at {registration.offer_expires_at.isoformat()} and the place was passed on"
            )
        await registrations.set_status(conn, registration_id, "registered")
        await registrations.mark_promoted(conn, registration_id)
        await enqueue(conn, RegistrationConfirmed(**place_facts(conference, registration), places=registration.places))
        return await _registration(conn, registration_id)


async def join(pool: asyncpg.Pool, caller: Principal, registration_id: UUID, *, clock: Clock = utc_now) -> str:
    """The link to join, for a person with a place, from shortly before the start to the end; using it is the
    person's attendance."""
    now = clock()
    async with pool.acquire() as conn, conn.transaction():
        _, conference = await _own_place(conn, caller, registration_id, "only people with a place can join")
        conference.check_joinable(now)
        url = await conferences.join_url_of(conn, conference.conference_id)
        if url is None:
            raise Conflict("the hosts have not given the link to join yet; try again in a few minutes")
        await registrations.mark_attended(conn, registration_id, now)
        return url


async def materials(
    pool: asyncpg.Pool, caller: Principal, registration_id: UUID
) -> tuple[str | None, str | None, bool]:
    """The recording and slides, for a person who had a place, and whether they gave their feedback."""
    async with pool.acquire() as conn:
        registration = await _own(conn, caller, registration_id)
        if registration.status != "registered":
            raise Forbidden("the materials are for the people who had a place")
        recording, slides = await conferences.materials_of(conn, registration.conference_id)
        return recording, slides, await registrations.feedback_given(conn, registration_id)


async def feedback(
    pool: asyncpg.Pool, caller: Principal, registration_id: UUID, rating: int, comment: str, *, clock: Clock = utc_now
) -> None:
    """A person who had a place says how it was, once, after the end."""
    async with pool.acquire() as conn, conn.transaction():
        registration, conference = await _own_place(
            conn, caller, registration_id, "feedback is for the people who had a place"
        )
        conference.check_ended(clock(), "feedback")
        if not await registrations.give_feedback(conn, registration, rating, comment):
            raise Conflict("you have already given your feedback; thank you")


async def calendar(pool: asyncpg.Pool, caller: Principal, registration_id: UUID, *, clock: Clock = utc_now) -> bytes:
    """The .ics of one's place; after a cancellation, the file that removes the entry from one's calendar."""
    async with pool.acquire() as conn:
        registration = await _own(conn, caller, registration_id)
        if registration.status in {"waitlisted", "offered"}:
            raise Conflict("you have no place yet, so there is nothing to put in your calendar")
        conference = await conferences.get(conn, registration.conference_id)
    assert conference is not None
    entry = entry_of(conference, cancelled=registration.status not in HOLDING, skipped=registration.skipped)
    return calendar_file(entry, now=clock())


async def skip(
    pool: asyncpg.Pool, caller: Principal, registration_id: UUID, number: int, *, skipping: bool, clock: Clock = utc_now
) -> Registration:
    """Say one will miss meeting `number` of one's circle (no reminder for it; one's calendar leaves it out;
    the facilitator knows), or that one will come after all. The place in the circle stays the person's."""
    async with pool.acquire() as conn, conn.transaction():
        _, conference = await _own_place(
            conn, caller, registration_id, "only people with a place in the circle can skip a meeting"
        )
        if conference.kind != "circle":
            raise Conflict("a conference meets once: to miss it, give up your place")
        if conference.meeting(number).starts_at <= clock():
            raise Conflict("this meeting has started already")
        if skipping:
            await registrations.skip(conn, registration_id, number)
        else:
            await registrations.unskip(conn, registration_id, number)
        return await _registration(conn, registration_id)


async def mine(pool: asyncpg.Pool, caller: Principal) -> list[Registration]:
    async with pool.acquire() as conn:
        return await registrations.of_member(conn, caller.member_id)


async def expire_due_offers(pool: asyncpg.Pool, *, clock: Clock = utc_now) -> int:
    """Offers past their deadline lapse and their places go to the next people in line; how many lapsed."""
    async with pool.acquire() as conn:
        due = await registrations.offers_due(conn, clock())
    for conference_id, registration_id in due:
        async with pool.acquire() as conn, conn.transaction():
            conference = await _locked(conn, conference_id)
            registration = await registrations.get(conn, registration_id)
            now = clock()
            # Accepted or declined while this sweep waited for the lock: nothing lapses.
            if registration is None or registration.status != "offered" or registration.offer_expires_at is None:
                continue
            if registration.offer_expires_at > now:
                continue
            await registrations.set_status(conn, registration_id, "expired")
            await conferences.hold(conn, conference_id, -registration.places)
            await enqueue(conn, OfferExpired(**place_facts(conference, registration)))
            await offer_freed_places(conn, conference_id, now)
    return len(due)


async def forget_member(conn: asyncpg.Connection, member_id: UUID, now: datetime) -> None:
    """An erased person: the places they held go to the next people in line, then every registration of theirs
    and every staged message naming them is deleted (nothing more is announced about them). Runs in the
    caller's transaction; the events' rows are locked in id order, as every other change of places takes one."""
    live = [r for r in await registrations.of_member(conn, member_id) if r.status in LIVE]
    freed = sorted({r.conference_id for r in live if r.status in HOLDING})
    for conference_id in sorted({r.conference_id for r in live}):
        await _locked(conn, conference_id)
    for registration in live:
        if registration.status in HOLDING:
            await conferences.hold(conn, registration.conference_id, -registration.places)
    await registrations.delete_of_member(conn, member_id)  # first: out of the line the freed places go to
    for conference_id in freed:
        await offer_freed_places(conn, conference_id, now)
    await scrub_mentions(conn, str(member_id))


async def send_due_reminders(pool: asyncpg.Pool, *, clock: Clock = utc_now) -> int:
    """Stage the reminders now due (a day and an hour before), once each; how many were staged. Two sweepers
    never stage one twice: the rows are locked and skipped by the other."""
    now, staged = clock(), 0
    events: dict[UUID, Conference] = {}  # many places at one event: it is read once
    async with pool.acquire() as conn, conn.transaction():
        for row in await registrations.to_remind(conn, now, reminders.FURTHEST):
            meeting = row["number"]
            sent = set(row["reminded"]) if row["reminded_meeting"] == meeting else set()  # a new meeting: afresh
            which, counted = reminders.due(row["meeting_starts_at"], now, sent)
            if which is None:
                continue
            if (conference := events.get(row["conference_id"])) is None:
                conference = await conferences.get(conn, row["conference_id"])
                assert conference is not None  # read in the same transaction as the joined row
                events[row["conference_id"]] = conference
            registration = registrations.registration_of(row)
            facts = {
                **place_facts(conference, registration),
                "starts_at": row["meeting_starts_at"],
                "ends_at": row["meeting_ends_at"],
            }
            await enqueue(conn, Reminder(**facts, which=which, meeting=meeting))
            await registrations.mark_reminded(conn, registration.registration_id, meeting, counted | sent)
            staged += 1
    return staged


async def mark_held(pool: asyncpg.Pool, *, clock: Clock = utc_now) -> int:
    """Events whose last meeting is over become `held`; how many. Two sweepers never hold one twice: the rows
    are locked and skipped by the other."""
    async with pool.acquire() as conn, conn.transaction():
        ended = await conferences.over(conn, clock())
        for conference_id in ended:
            await hold_over(conn, await _locked(conn, conference_id))
    return len(ended)


async def hold_over(conn: asyncpg.Connection, conference: Conference) -> None:
    """The event, over, is held: announced, and each person who joined is asked how it was (once: an event is
    held once). On the event's locked row, in the caller's transaction."""
    await conferences.set_status(conn, conference.conference_id, "held")
    joined = [
        registration for registration, came in await registrations.holders(conn, conference.conference_id) if came
    ]
    announced = ConferenceHeld(
        conference_id=conference.conference_id, association_id=conference.association_id, attended=len(joined)
    )
    await enqueue(conn, announced)
    for registration in joined:
        await enqueue(conn, FeedbackRequested(**place_facts(conference, registration)))


async def next_offer_deadline(pool: asyncpg.Pool) -> datetime | None:
    async with pool.acquire() as conn:
        return await registrations.next_offer_deadline(conn)


async def _give_up(
    pool: asyncpg.Pool, caller: Principal, registration_id: UUID, wanted: str, clock: Clock
) -> Registration:
    async with pool.acquire() as conn, conn.transaction():
        registration, conference = await _own_locked(conn, caller, registration_id)
        check_change(registration.status, "cancel" if wanted == "cancel" else "decline")
        await registrations.set_status(conn, registration_id, "cancelled")
        await enqueue(conn, RegistrationCancelled(**place_facts(conference, registration)))
        if registration.status in HOLDING:
            await conferences.hold(conn, conference.conference_id, -registration.places)
            await offer_freed_places(conn, conference.conference_id, clock())
        return await _registration(conn, registration_id)


async def offer_freed_places(conn: asyncpg.Connection, conference_id: UUID, now: datetime) -> None:
    """Offer what is free to those in line it fits, in order; near the start, the place is given outright."""
    conference = await _locked(conn, conference_id)  # already locked by this transaction: re-read `held`
    coming = conference.next_meeting(now)
    if conference.status != "published" or coming is None:
        return
    for person in to_offer(conference.capacity, conference.held, await registrations.line(conn, conference_id)):
        registration = await _registration(conn, person.registration_id)
        await conferences.hold(conn, conference_id, person.places)
        facts = place_facts(conference, registration)
        quiet = QuietHours.of(*await members.nights_of(conn, registration.member_id))
        deadline = RULES.deadline(now, coming.starts_at, quiet)
        if deadline is None:
            await registrations.set_status(conn, person.registration_id, "registered")
            await enqueue(conn, RegistrationConfirmed(**facts, places=person.places))
        else:
            await registrations.set_status(conn, person.registration_id, "offered", deadline)
            await enqueue(conn, PlaceOffered(**facts, expires_at=deadline))


async def _locked(conn: asyncpg.Connection, conference_id: UUID) -> Conference:
    conference = await conferences.get(conn, conference_id, lock=True)
    if conference is None:
        raise NotFound("there is no event with this id")
    return conference


async def _own(conn: asyncpg.Connection, caller: Principal, registration_id: UUID) -> Registration:
    """The caller's registration; NotFound when there is none of theirs with this id."""
    found = await registrations.get(conn, registration_id)
    if found is None or found.member_id != caller.member_id:
        raise NotFound("you have no registration with this id")
    return found


async def _own_place(
    conn: asyncpg.Connection, caller: Principal, registration_id: UUID, refusal: str
) -> tuple[Registration, Conference]:
    """The caller's registration holding a place, and its event; Conflict saying `refusal` when it holds none."""
    registration = await _own(conn, caller, registration_id)
    if registration.status != "registered":
        raise Conflict(refusal)
    conference = await conferences.get(conn, registration.conference_id)
    assert conference is not None  # a registration's event is deleted only with it
    return registration, conference


async def _own_locked(
    conn: asyncpg.Connection, caller: Principal, registration_id: UUID
) -> tuple[Registration, Conference]:
    """The caller's registration, read again after its event's row is locked (it may have just changed)."""
    found = await _own(conn, caller, registration_id)
    conference = await _locked(conn, found.conference_id)
    return await _registration(conn, registration_id), conference


async def _registration(conn: asyncpg.Connection, registration_id: UUID) -> Registration:
    registration = await registrations.get(conn, registration_id)
    assert registration is not None
    return registration


def place_facts(conference: Conference, registration: Registration) -> dict[str, Any]:
    """What every message about one person's place says: which event, whose place."""
    return {
        "conference_id": conference.conference_id,
        "registration_id": registration.registration_id,
        "member_id": registration.member_id,
        "association_id": conference.association_id,
        "kind": conference.kind,
        "title": conference.title,
        "starts_at": conference.starts_at,
        "ends_at": conference.ends_at,
        "time_zone": conference.time_zone,
        "sequence": conference.sequence,
        "meetings": conference.meetings,
    }


FEED_KEEPS = timedelta(days=30)  # a feed lists events that ended up to this long ago


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def new_calendar_feed(pool: asyncpg.Pool, caller: Principal) -> str:
    """A new secret address for the person's calendar feed; the previous one stops working."""
    token = secrets.token_urlsafe(32)
    async with pool.acquire() as conn:
        await calendar_feeds.replace(conn, caller.member_id, _token_hash(token))
    return token


async def revoke_calendar_feed(pool: asyncpg.Pool, caller: Principal) -> None:
    async with pool.acquire() as conn:
        await calendar_feeds.delete(conn, caller.member_id)


async def has_calendar_feed(pool: asyncpg.Pool, caller: Principal) -> bool:
    async with pool.acquire() as conn:
        return await calendar_feeds.exists(conn, caller.member_id)


async def calendar_feed(pool: asyncpg.Pool, token: str, *, clock: Clock = utc_now) -> bytes:
    """The feed at a secret address: every event its owner has a place at (given-up ones cancelled, so their
    calendar takes them out). NotFound for an address that does not exist or was revoked."""
    now = clock()
    async with pool.acquire() as conn:
        member = await calendar_feeds.owner(conn, _token_hash(token))
        if member is None:
            raise NotFound("there is no calendar at this address (it may have been replaced or turned off)")
        listed = await calendar_feeds.entries(conn, member, now - FEED_KEEPS)
    entries = [entry_of(conference, cancelled=not holds, skipped=skipped) for conference, holds, skipped in listed]
    return calendar_feed_file(entries, name="Fellowship", now=now)
