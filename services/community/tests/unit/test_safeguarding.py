"""The risk phrases, per language: what they must catch and what they must leave alone."""

from __future__ import annotations

import pytest

from community.domain.safeguarding import crisis_resources, suggests_risk


@pytest.mark.parametrize(
    "text",
    [
        "Some nights I just want to die.",
        "I have thought about killing myself.",
        "Everyone would be better off without me",
        "I don't want to wake up tomorrow",
        "I started cutting myself again",
        "Je veux mourir, je n'en peux plus.",
        "J’ai pensé à me suicider cet hiver",  # a typographic apostrophe
        "Je n'ai plus envie de vivre avec cette douleur",
        "Parfois je voudrais en finir.",
        "J'ai envie de mettre fin à mes jours",  # with its accent
        "Sometimes je veux mourir, honestly",  # languages mixed
    ],
)
def test_a_risk_is_caught_in_either_language(text: str) -> None:
    assert suggests_risk(text)


@pytest.mark.parametrize(
    "text",
    [
        "This pain is killing me some days.",
        "My migraine kills my mood.",
        "I finally went to the end of the path.",
        "J'ai fini par en parler à mon médecin.",
        "La douleur me tue certains jours.",
        "Dying my hair helped me feel like myself again.",
    ],
)
def test_how_people_speak_of_pain_is_not_a_risk(text: str) -> None:
    assert not suggests_risk(text)


def test_the_help_is_in_the_authors_language() -> None:
    assert "3114" in crisis_resources("fr") and "116 123" in crisis_resources("en")
    assert crisis_resources("de") == crisis_resources("en")
