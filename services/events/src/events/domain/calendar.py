"""A person's calendar entry for an event (RFC 5545), written with the `icalendar` package.

The entry's UID is the event's, so a reschedule replaces it in the person's calendar (same UID, a higher
SEQUENCE) and a cancellation removes it (STATUS:CANCELLED). Times are written in the host's IANA time zone
with its VTIMEZONE, so a calendar shows the right instant in any zone, across daylight-saving changes.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from events.domain.conferences import Conference

PRODUCT = "-//Fellowship//Events//EN"


def uid_of(conference: Conference) -> str:
    return f"{conference.conference_id}@events.fellowship"


def calendar_file(conference: Conference, *, cancelled: bool, now: datetime) -> bytes:
    """The .ics of `conference` for one person: cancelled when the event is, or their place is, given up."""
    zone = ZoneInfo(conference.time_zone)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    entry = Event()
    entry.add("uid", uid_of(conference))
    entry.add("sequence", conference.sequence)
    entry.add("dtstamp", now)
    entry.add("dtstart", conference.starts_at.astimezone(zone))
    entry.add("dtend", conference.ends_at.astimezone(zone))
    entry.add("summary", conference.title)
    if conference.description:
        entry.add("description", conference.description)
    entry.add("status", "CANCELLED" if cancelled or conference.status == "cancelled" else "CONFIRMED")
    entry.add("transp", "OPAQUE")
    calendar.add_component(entry)
    # the zone's rules over the event's year and the next: enough for any calendar, and a short file
    start = conference.starts_at.astimezone(zone).date()
    calendar.add_missing_timezones(
        first_date=start.replace(month=1, day=1), last_date=start.replace(year=start.year + 2, month=1, day=1)
    )
    return bytes(calendar.to_ical())
