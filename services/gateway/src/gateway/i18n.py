"""The web client's languages: English and French, from the gettext catalogue in `locale/`.

The French catalogue (`locale/fr/LC_MESSAGES/messages.po`) is read and compiled in memory at start-up, so
no compiled `.mo` file is kept in the repository. English is the source language. The language of a
request is held in a context variable that the templates' `_()` and `ngettext()` read.
"""

from __future__ import annotations

import contextvars
import io
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import negotiate_locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("en", "fr")
DEFAULT = "en"
HERE = Path(__file__).resolve().parent
CATALOGUES = HERE / "locale"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("locale", default=DEFAULT)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "translate later")
    """Mark a message in Python code for the catalogue; it is translated where it is shown."""
    return message


@cache
def translations(locale: str) -> NullTranslations:
    if locale == DEFAULT:
        return NullTranslations()
    with (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


def use(locale: str) -> None:
    _current.set(locale if locale in LOCALES else DEFAULT)


def current() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(_current.get()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ungettext(singular, plural, n)


def negotiate(accept_language: str) -> str | None:
    """The best of our languages for an Accept-Language header (`de-DE,fr-CA;q=0.8` → fr), or None."""
    wanted = []
    for part in accept_language.split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag and weight > 0:
            wanted.append((weight, tag.replace("-", "_")))
    ordered = [tag for _, tag in sorted(wanted, key=lambda w: -w[0])]
    found = negotiate_locale(ordered, list(LOCALES), sep="_") if ordered else None
    if found is None:  # negotiate_locale matches whole tags; fall back to the language part (fr_CA → fr)
        found = next((tag.split("_")[0] for tag in ordered if tag.split("_")[0] in LOCALES), None)
    return found


def choose(explicit: str | None, profile: str | None, accept_language: str) -> str:
    """The language of a page: the one the person chose here, then their profile's, then the browser's."""
    for candidate in (explicit, profile):
        if candidate in LOCALES:
            return candidate
    return negotiate(accept_language) or DEFAULT


def _instant(value: str | datetime, time_zone: str | None) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    try:
        zone = ZoneInfo(time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone)


def local_time(value: str | datetime | None, time_zone: str | None) -> str:
    """An instant as the person reads it: their language, their time zone ("jeudi 4 décembre, 18:00")."""
    if not value:
        return ""
    return format_datetime(_instant(value, time_zone), "EEEE d MMMM, HH:mm", locale=current())


def local_clock(value: str | datetime | None, time_zone: str | None) -> str:
    """The time of day only ("19:30"), for the end of something whose start `local_time` gave."""
    if not value:
        return ""
    return format_datetime(_instant(value, time_zone), "HH:mm", locale=current())


def local_date(value: str | datetime | None, time_zone: str | None) -> str:
    """A day as the person reads it ("4 December 2026")."""
    if not value:
        return ""
    return format_date(_instant(value, time_zone).date(), "long", locale=current())
