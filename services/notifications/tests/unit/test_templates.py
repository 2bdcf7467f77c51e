"""Every template, in every language, rendered from real payloads."""

from __future__ import annotations

import re
from typing import Any

import pytest

from notifications.adapters.templates import Templates
from notifications.domain.dispatch import Role, messages_for
from notifications.domain.links import Links
from notifications.domain.rendering import Reader, template_context, template_data

from .samples import ICD_CODES, MATCH, payloads

LINKS = Links(public_url="https://web.example", unsubscribe_url="https://notify.example/unsubscribe")
UNSUBSCRIBE = LINKS.unsubscribe("signed-token")
ICD10 = re.compile(r"\b[A-TV-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?\b")
CONDITION_WORDS = re.compile(
    r"diagnos|condition|disease|illness|cancer|pain|icd|syndrome|disorder|"
    r"maladie|douleur|pathologie|affection|trouble|cim",
    re.IGNORECASE,
)
GREETING = {"en": "Hello", "fr": "Bonjour"}
OTHER_LANGUAGE_WORDS = {"en": ("Bonjour", "votre", " vous "), "fr": ("Hello", " your ", "Thank you")}

CASES = [
    (event_type, message.rule.template, message.rule.to, message.peer_id is not None, locale)
    for event_type, data in payloads().items()
    for message in messages_for(data)
    for locale in ("en", "fr")
]


def render(event_type: str, template: str, role: Role, with_peer: bool, locale: str, name: str = "Ada Lovelace"):  # type: ignore[no-untyped-def]
    data = template_data(event_type, payloads()[event_type].model_dump(mode="json"))  # what deliveries keep
    reader = Reader(name, locale, "Europe/Paris", role, "Grace Hopper" if with_peer else None)
    return Templates().render(template, locale, template_context(template, data, reader, LINKS, UNSUBSCRIBE))


@pytest.mark.parametrize(("event_type", "template", "role", "with_peer", "locale"), CASES)
def test_each_part_is_there_in_the_right_language_and_names_no_health_condition(
    event_type: str, template: str, role: Role, with_peer: bool, locale: str
) -> None:
    email = render(event_type, template, role, with_peer, locale)
    assert email.subject and "\n" not in email.subject and len(email.subject) < 90
    assert email.preview and "\n" not in email.preview
    for part in (email.subject, email.preview):
        assert not ICD10.search(part), part
        assert not CONDITION_WORDS.search(part), part
    for part in (email.subject, email.preview, email.text, email.html):
        assert not any(code in part for code in ICD_CODES)
    assert email.text.startswith(f"{GREETING[locale]} Ada Lovelace,")
    assert f'<html lang="{locale}">' in email.html and f"{GREETING[locale]} Ada Lovelace," in email.html
    assert UNSUBSCRIBE in email.text and UNSUBSCRIBE in email.html
    assert "https://web.example/" in email.text
    for word in OTHER_LANGUAGE_WORDS[locale]:
        assert word not in email.text, f"{word!r} in the {locale} text of {template}"


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_html_is_escaped_and_text_is_not(locale: str) -> None:
    email = render("match.accepted", "introduction", "mentee", True, locale, name="<script>x</script> & Co")
    assert "<script>" not in email.html and "&lt;script&gt;x&lt;/script&gt; &amp; Co" in email.html
    assert "<script>x</script> & Co" in email.text


def test_a_proposal_explains_itself_shows_the_first_slot_in_the_mentors_time_and_links_to_answer() -> None:
    email = render("match.proposed", "match_proposed", "mentor", False, "en")
    assert "A similar health journey: 30.0 points" in email.text
    assert "Tuesday 8 January 2030, 19:00 (Europe/Paris)" in email.text  # 18:00 UTC in the reader's zone
    assert f"https://web.example/mentoring/proposals/{MATCH}" in email.text
    french = render("match.proposed", "match_proposed", "mentor", False, "fr")
    assert "mardi 8 janvier 2030 à 19:00 (Europe/Paris)" in french.text


def test_an_introduction_names_the_other_person() -> None:
    assert "Grace Hopper" in render("match.accepted", "introduction", "mentee", True, "en").subject
    assert "Grace Hopper" in render("match.accepted", "introduction", "mentor", True, "fr").text


def test_without_names_the_text_still_reads() -> None:
    email = render("match.accepted", "introduction", "mentee", False, "en", name="")
    assert email.subject == "Meet your mentor"
    assert email.text.startswith("Hello,")


def test_an_unsupported_locale_falls_back_to_english() -> None:
    email = render("member.joined", "welcome", "member", False, "de-DE")
    assert email.subject == "Welcome to Fellowship"


@pytest.mark.parametrize(("locale", "when"), [("en", "Tuesday 5 February 2030, 18:00"), ("fr", "mardi 5 février 2030")])
def test_a_mentee_still_waiting_reads_the_events_coming_up_for_them(locale: str, when: str) -> None:
    email = render("request.unmatched", "request_unmatched", "mentee", False, locale)
    for part in (email.text, email.html):
        assert "Newly diagnosed: a circle on Tuesdays" in part and when in part, part


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_an_unmatched_message_from_before_suggestions_still_renders(locale: str) -> None:
    data: dict[str, Any] = payloads()["request.unmatched"].model_dump(mode="json")
    del data["suggestions"]  # as matching sent it before it knew of events
    reader = Reader("Ada Lovelace", locale, "Europe/Paris", "mentee", None)
    email = Templates().render(
        "request_unmatched", locale, template_context("request_unmatched", data, reader, LINKS, UNSUBSCRIBE)
    )
    assert "Ada Lovelace" in email.text


@pytest.mark.parametrize(
    "event_type", sorted(t for t in payloads() if t.startswith("registration.") and messages_for(payloads()[t]))
)
def test_an_email_about_an_event_links_to_its_page(event_type: str) -> None:
    (message,) = messages_for(payloads()[event_type])
    email = render(event_type, message.rule.template, "member", False, "en")
    assert "https://web.example/events/" + str(payloads()[event_type].conference_id) in email.text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("locale", "says"), [("en", "every week, 6 times"), ("fr", "chaque semaine à la même heure, 6 fois")]
)
def test_a_circles_confirmation_says_it_meets_weekly_and_a_conferences_does_not(locale: str, says: str) -> None:
    once = payloads()["registration.confirmed"]
    weekly = once.model_copy(update={"kind": "circle", "meetings": 6})
    reader = Reader("Ada Lovelace", locale, "Europe/Paris", "member", None)
    for data, expected in ((weekly, True), (once, False)):
        kept = template_data("registration.confirmed", data.model_dump(mode="json"))
        context = template_context("registration_confirmed", kept, reader, LINKS, UNSUBSCRIBE)
        email = Templates().render("registration_confirmed", locale, context)
        assert (says in email.text) is expected and (says in email.html) is expected


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_every_role_membership_gives_has_its_words_in_the_roles_e_mail(locale: str) -> None:
    from pathlib import Path
    from typing import get_args

    import notifications
    from shared.contracts.membership import Role

    source = (Path(notifications.__file__).parent / "templates" / locale / "_roles.j2").read_text()
    assert set(re.findall(r'"(\w+)":', source)) == set(get_args(Role))
