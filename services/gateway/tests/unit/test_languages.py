"""Languages: the page's language is chosen sensibly, and the French catalogue is complete and correct."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from gateway import i18n

GATEWAY = Path(i18n.__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize(
    ("explicit", "profile", "accept", "expected"),
    [
        (None, None, "de-DE,fr-CA;q=0.8", "fr"),
        (None, None, "fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        (None, None, "en-GB", "en"),
        (None, None, "", "en"),
        (None, None, "es, de;q=0.5", "en"),
        (None, "fr", "en-GB", "fr"),  # the person's own choice in their profile beats the browser's
        ("en", "fr", "fr", "en"),  # and the language they just picked here beats both
        ("xx", None, "fr", "fr"),
        (None, None, "fr;q=oops, en", "en"),
    ],
)
def test_the_language_of_a_page(explicit: str | None, profile: str | None, accept: str, expected: str) -> None:
    assert i18n.choose(explicit, profile, accept) == expected


def _extracted() -> set[str | tuple[str, str]]:
    method_map = [("src/gateway/**.py", "python"), ("src/gateway/templates/**.html", "jinja2")]
    options = {"src/gateway/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found: set[str | tuple[str, str]] = set()
    for _, _, message, _, _ in extract_from_dir(
        str(GATEWAY), method_map, options, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def test_every_text_of_the_web_client_is_translated_into_french() -> None:
    with (GATEWAY / "src/gateway/locale/fr/LC_MESSAGES/messages.po").open("rb") as po:
        catalogue = read_po(po, locale="fr")
    translated = {m.id: m for m in catalogue if m.id}
    problems = []
    for message in sorted(_extracted(), key=str):
        entry = translated.get(message)
        forms = [] if entry is None else entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry is None or entry.fuzzy or not all(forms):
            problems.append(f"untranslated: {message!r}")
            continue
        wanted = set(PLACEHOLDER.findall(message if isinstance(message, str) else message[1]))
        if any(set(PLACEHOLDER.findall(form)) != wanted for form in forms):
            problems.append(f"placeholders differ: {message!r}")
    assert not problems, "run `make i18n` and translate:\n" + "\n".join(problems)


def test_french_pages_speak_french() -> None:
    i18n.use("fr")
    try:
        assert i18n.gettext("Sign in") == "Se connecter"
        assert (
            i18n.ngettext("You have %(num)s unread message.", "You have %(num)s unread messages.", 2) % {"num": 2}
            == "Vous avez 2 messages non lus."
        )
    finally:
        i18n.use("en")
    assert i18n.gettext("Sign in") == "Sign in"
