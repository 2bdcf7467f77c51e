"""A person's calendar entry for an event (RFC 5545), written with the `icalendar` package: the file events
serves for download and the one notifications attaches to its e-mails are made here, so they are the same.

The entry's UID is the event's, so a reschedule replaces it in the person's calendar (same UID, a higher
SEQUENCE) and a cancellation removes it (METHOD:CANCEL, STATUS:CANCELLED). Times are written in the host's
IANA time zone with its VTIMEZONE, so a calendar shows the right instant in any zone, across daylight-saving
changes. A circle's meetings are one entry that repeats weekly (RRULE COUNT), without the meetings the person
skips (EXDATE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODUCT = "-//Fellowship//Events//EN"


def event_uid(conference_id: UUID) -> str:
    return f"{conference_id}@events.fellowship"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    conference_id: UUID
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str  # the host's IANA zone
    description: str = ""
    cancelled: bool = False  # the event is called off, or the person's place is given up
    meetings: int = 1  # a circle: this many meetings, a week apart at the same local time
    skipped: tuple[datetime, ...] = ()  # the starts of the meetings the person skips


def calendar_file(entry: CalendarEntry, *, now: datetime) -> bytes:
    """One person's entry for one event: PUBLISH adds or updates it, CANCEL removes it."""
    return _calendar([entry], method="CANCEL" if entry.cancelled else "PUBLISH", now=now)


def calendar_feed(entries: list[CalendarEntry], *, name: str, now: datetime) -> bytes:
    """A person's subscribed calendar: every event they have a place at (cancelled ones marked so, and kept a
    while, so that calendars take them out)."""
    return _calendar(entries, method="PUBLISH", now=now, name=name)


def _calendar(entries: list[CalendarEntry], *, method: str, now: datetime, name: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for entry in entries:
        zone = ZoneInfo(entry.time_zone)
        event = Event()
        event.add("uid", event_uid(entry.conference_id))
        event.add("sequence", entry.sequence)
        event.add("dtstamp", now)
        event.add("dtstart", entry.starts_at.astimezone(zone))
        event.add("dtend", entry.ends_at.astimezone(zone))
        if entry.meetings > 1:
            event.add("rrule", {"freq": "weekly", "count": entry.meetings})
            for skipped in entry.skipped:
                event.add("exdate", skipped.astimezone(zone))
        event.add("summary", entry.title)
        if entry.description:
            event.add("description", entry.description)
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    if entries:  # the zones' rules over the events' years and the next: enough for any calendar, and short
        starts = [entry.starts_at.astimezone(ZoneInfo(entry.time_zone)).date() for entry in entries]
        calendar.add_missing_timezones(
            first_date=min(starts).replace(month=1, day=1),
            last_date=max(starts).replace(year=max(starts).year + 2, month=1, day=1),
        )
    return bytes(calendar.to_ical())
