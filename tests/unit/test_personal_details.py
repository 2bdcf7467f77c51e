"""What is held for a moderator before anyone else reads it: e-mail addresses, phone numbers (national and
international, several countries' formats) and names introduced as names are, in English and French; and
what is not (years, ages, counts, ordinary questions)."""

from __future__ import annotations

import pytest

from shared.personal_details import asks_for_personal_advice, personal_details


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to me at ada.l@example.org, thanks", [("email", "ada.l@example.org")]),
        ("Appelez-moi au 06 12 34 56 78", [("phone", "06 12 34 56 78")]),
        ("Mon numéro : 01.23.45.67.89", [("phone", "01.23.45.67.89")]),
        ("call me on 07700 900123 after six", [("phone", "07700 900123")]),
        ("or +44 20 7946 0958 from abroad", [("phone", "+44 20 7946 0958")]),
        ("My name is Sophie Martin and I have migraines", [("name", "Sophie Martin")]),
        ("Je m'appelle Élodie, j'ai 40 ans", [("name", "Élodie")]),
        ("Mon médecin s'appelle Dupont", [("name", "Dupont")]),
        ("Dr House told me to rest", [("name", "House")]),
        ("Mme Lefèvre-Martin a dit", [("name", "Lefèvre-Martin")]),
        (
            "I'm Tom (tom@example.org, 0612345678)",
            [("name", "Tom"), ("email", "tom@example.org"), ("phone", "0612345678")],
        ),
    ],
)
def test_personal_details_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.text) for f in personal_details(text)] == expected
    for finding in personal_details(text):
        assert text[finding.start : finding.end] == finding.text  # where to highlight


@pytest.mark.parametrize(
    "text",
    [
        "What helps with sleep when the pain is bad?",
        "I was diagnosed in 2019, aged 45, after 12 years of pain",
        "Is it normal to feel tired 3 days after an infusion?",
        "Quels exercices pour le dos, 10 minutes par jour ?",
        "Could the doctor say more about the DN4 questionnaire?",
    ],
)
def test_ordinary_questions_hold_nothing(text: str) -> None:
    assert personal_details(text) == []


@pytest.mark.parametrize(
    ("text", "personal"),
    [
        ("Should I take my pills before or after the infusion?", True),
        ("Dois-je arrêter mon traitement pendant l'été ?", True),
        ("My dose was doubled last week, is that a lot?", True),
        ("What do the new treatments do, in general?", False),
        ("Comment fonctionnent les nouveaux traitements ?", False),
    ],
)
def test_requests_for_personal_medical_advice_are_recognised(text: str, personal: bool) -> None:
    assert asks_for_personal_advice(text) is personal
