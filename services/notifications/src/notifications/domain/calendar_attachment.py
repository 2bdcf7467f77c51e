"""The calendar file an e-mail about a place carries: the confirmation adds the event to the person's calendar,
a reschedule moves it (same UID, higher SEQUENCE), a cancellation removes it. The file is written by
`shared.calendar`, as events writes the one it serves for download, from the facts the message carries."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from notifications.domain.email_message import Attachment
from shared.calendar import CalendarEntry, calendar_file

CALENDAR_TEMPLATES = {  # template → whether the file takes the event out of the calendar
    "registration_confirmed": False,
    "event_rescheduled": False,
    "event_cancelled": True,
}


def _instant(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def calendar_attachment(template: str, data: dict[str, Any], now: datetime) -> Attachment | None:
    """The .ics for an e-mail of `template`; None for other e-mails and for messages sent before events added
    the entry's end and time zone to them."""
    if template not in CALENDAR_TEMPLATES or not data.get("ends_at") or not data.get("time_zone"):
        return None
    entry = CalendarEntry(
        conference_id=UUID(str(data["conference_id"])),
        sequence=int(data.get("sequence") or 0),
        title=str(data["title"]),
        starts_at=_instant(data["starts_at"]),
        ends_at=_instant(data["ends_at"]),
        time_zone=str(data["time_zone"]),
        cancelled=CALENDAR_TEMPLATES[template],
        meetings=int(data.get("meetings") or 1),
    )
    method = "CANCEL" if entry.cancelled else "PUBLISH"
    return Attachment("event.ics", "text", "calendar", calendar_file(entry, now=now), {"method": method})
