"""The languages e-mails are written in, and dates written the way each language writes them."""

from __future__ import annotations

from datetime import datetime

from notifications.domain.quiet_hours import zone

LOCALES = ("en", "fr")
FALLBACK = "en"

_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
_MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
}  # fmt: skip


def pick_locale(locale: str | None) -> str:
    """The supported language closest to a member's locale ("fr-CA" → "fr"), else English."""
    language = (locale or "").replace("_", "-").split("-")[0].lower()
    return language if language in LOCALES else FALLBACK


def format_datetime(moment: datetime, time_zone: str | None, locale: str) -> str:
    """`moment` in the member's time zone: "Tuesday 8 January 2030, 19:00 (Europe/Paris)" or
    "mardi 8 janvier 2030 à 19:00 (Europe/Paris)"."""
    tz = zone(time_zone)
    local = moment.astimezone(tz)
    language = pick_locale(locale)
    weekday, month = _WEEKDAYS[language][local.weekday()], _MONTHS[language][local.month - 1]
    joiner = " à " if language == "fr" else ", "
    return f"{weekday} {local.day} {month} {local.year}{joiner}{local:%H:%M} ({tz.key})"
