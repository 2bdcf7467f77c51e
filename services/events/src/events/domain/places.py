"""A conference's or circle's places and its waitlist, as a state machine with no I/O.

A registration is `registered` (it holds its places), `waitlisted` (in line, holding nothing), `offered` (a
freed place held for it until a deadline), or over: `cancelled` by the person, `expired` (an offer not taken
in time: passed on). Places held = registered + offered; they never exceed the capacity. A person with a
companion (a caregiver) takes two places.

Nobody jumps the line: while someone waits, a newcomer waits too, even if a single place is free that the
first in line (needing two) cannot use; such a place goes to the first waiting person it fits, so no place
is left unused that someone waits for. The use case applies these decisions under the conference row's lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from shared.errors import Conflict

Status = Literal["registered", "waitlisted", "offered", "cancelled", "expired"]
HOLDING: frozenset[Status] = frozenset({"registered", "offered"})
LIVE: frozenset[Status] = frozenset({"registered", "waitlisted", "offered"})


@dataclass(frozen=True, slots=True)
class Registration:
    """One person's place (or position in line) at one event; `position` is set while they wait."""

    registration_id: UUID
    conference_id: UUID
    member_id: UUID
    association_id: UUID
    status: Status
    places: int
    needs: list[str]
    offer_expires_at: datetime | None
    created_at: datetime
    position: int | None = None
    skipped: list[int] = field(default_factory=list)  # the meetings of a circle the person said they will miss


@dataclass(frozen=True, slots=True)
class Waiting:
    """Someone in line, in the order they joined it."""

    registration_id: UUID
    places: int


@dataclass(frozen=True, slots=True)
class QuietHours:
    """The person's nights, in their own time zone: an offer's deadline never falls inside them."""

    start: time
    end: time
    time_zone: str

    @classmethod
    def night(cls, time_zone: str) -> QuietHours:
        """22:00 to 08:00 where the person lives: when nobody should have to answer an offer."""
        return cls(time(22), time(8), time_zone)

    @classmethod
    def of(cls, time_zone: str | None, start: time | None, end: time | None) -> QuietHours | None:
        """The person's own quiet hours where they live, else the default night there; None when where they
        live is not known (the offer's deadline is then kept as it is)."""
        if time_zone is None:
            return None
        if start is None or end is None or start == end:
            return cls.night(time_zone)
        return cls(start, end, time_zone)

    def contains(self, instant: datetime) -> bool:
        local = instant.astimezone(ZoneInfo(self.time_zone)).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # over midnight

    def end_after(self, instant: datetime) -> datetime:
        """The first moment at or after `instant` outside the quiet hours."""
        zone = ZoneInfo(self.time_zone)
        local = instant.astimezone(zone)
        day = local.date() if local.time() < self.end else local.date() + timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=zone).astimezone(instant.tzinfo)


@dataclass(frozen=True, slots=True)
class OfferRules:
    """How long a freed place is held for the next person: `window`, but at most `share_of_remaining` of
    the time left before the start (a place freed an hour before is offered for minutes, not a day), and
    never less than `shortest`. Closer to the start than `shortest`, the place is given straight away."""

    window: timedelta = timedelta(hours=24)
    share_of_remaining: float = 0.25
    shortest: timedelta = timedelta(minutes=15)

    def deadline(self, now: datetime, starts_at: datetime, quiet: QuietHours | None = None) -> datetime | None:
        """When an offer made now lapses; None when the start is too near to wait for an answer."""
        remaining = starts_at - now
        if remaining <= self.shortest:
            return None
        deadline = now + max(self.shortest, min(self.window, remaining * self.share_of_remaining))
        if quiet is not None and quiet.contains(deadline):
            # Nobody should lose a place while asleep: the offer lasts until their quiet hours end, unless
            # that is after the start, in which case it lasts until just before the start.
            deadline = min(quiet.end_after(deadline), starts_at - self.shortest)
        return deadline


@dataclass(frozen=True, slots=True)
class Admission:
    """What a new registration becomes: registered at once, or in line at `position` (1 is next)."""

    status: Literal["registered", "waitlisted"]
    position: int | None = None


def admit(capacity: int, held: int, places: int, waiting: int) -> Admission:
    """Register when the places are free and nobody is waiting; otherwise join the line."""
    if places < 1:
        raise ValueError("a registration takes at least one place")
    if places > capacity:
        raise Conflict(f"this event has {capacity} place(s) in all; a registration for {places} cannot fit")
    if waiting == 0 and held + places <= capacity:
        return Admission("registered")
    return Admission("waitlisted", position=waiting + 1)


def to_offer(capacity: int, held: int, line: list[Waiting]) -> list[Waiting]:
    """Who in `line` (in order) gets an offer now: each in turn whose places fit in what is free; someone
    needing more than is free keeps their position, and the next one who fits is offered the place."""
    free = capacity - held
    chosen = []
    for person in line:
        if free <= 0:
            break
        if person.places <= free:
            chosen.append(person)
            free -= person.places
    return chosen


def check_change(status: Status, wanted: Literal["cancel", "accept", "decline"]) -> None:
    """Raise Conflict unless a registration in `status` can be `wanted` now."""
    if wanted == "cancel" and status in LIVE:
        return
    if wanted in {"accept", "decline"} and status == "offered":
        return
    if status in {"cancelled", "expired"}:
        raise Conflict(f"this registration is {status}; register again if you would like a place")
    raise Conflict(
        f"only an offered place can be {'accepted' if wanted == 'accept' else 'declined'}; this one is {status}"
    )
