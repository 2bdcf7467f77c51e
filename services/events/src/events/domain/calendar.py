"""A person's calendar entry for an event, from the event (the file itself is written by `shared.calendar`,
which notifications also uses for the file it attaches to its e-mails)."""

from __future__ import annotations

from events.domain.conferences import Conference
from shared.calendar import CalendarEntry


def entry_of(conference: Conference, *, cancelled: bool, skipped: list[int] | None = None) -> CalendarEntry:
    """The entry of one person's place: cancelled when the event is, or their place is given up; without the
    meetings of a circle they skip."""
    return CalendarEntry(
        conference_id=conference.conference_id,
        sequence=conference.sequence,
        title=conference.title,
        starts_at=conference.starts_at,
        ends_at=conference.ends_at,
        time_zone=conference.time_zone,
        description=conference.description,
        cancelled=cancelled or conference.status == "cancelled",
        meetings=conference.meetings,
        skipped=tuple(conference.schedule[number].starts_at for number in sorted(skipped or [])),
    )
