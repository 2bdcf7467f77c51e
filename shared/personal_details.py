"""Personal details in what people write for others to read (a question at a conference, later a story or a
post): e-mail addresses, phone numbers (Google's libphonenumber, through `phonenumbers`) and people's names
introduced as names usually are ("my name is …", "je m'appelle …", "Dr …", "Mme …"). What is found is held
for a moderator, highlighted, never published at once; the finder is a safety net, so it prefers a false
alarm (a moderator's glance) to a miss. Names written without such a cue are left to the moderator's eye.

Also the phrasing of a request for personal medical advice ("should I take", "dois-je arrêter"), which a
moderator answers with the association's referral text rather than in public.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import phonenumbers

Kind = Literal["email", "phone", "name"]
REGIONS = ("FR", "GB", "BE", "CH", "CA", "US", "DE", "ES", "IT")  # where a number without +code may be from

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", re.UNICODE)
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ'’"
_NAME = f"([{_UPPER}][{_LOWER}]+(?:[ -][{_UPPER}][{_LOWER}]+){{0,2}})"  # Sophie, Lefèvre-Martin, Jean Paul Roy
_NAME_CUES = re.compile(  # the cue in any case, the name with its capitals
    r"(?i:\b(?:my name is|i am called|i'm called|call me|i'm|i am|my (?:husband|wife|son|daughter|doctor|partner) is"
    r"|je m'appelle|je m’appelle|mon nom est|mon (?:mari|fils|médecin|docteur) (?:est|s'appelle)"
    r"|ma (?:femme|fille) (?:est|s'appelle))\s+"
    r"|\b(?:Dr|Dre|Doctor|Docteur|Mr|Mrs|Ms|Miss|Mme|Mlle|M|Prof|Pr)\.?\s+)" + _NAME
)
_ADVICE = re.compile(
    r"\b(?:should i (?:take|stop|start|increase|reduce|change)|is it safe for me|my (?:dose|dosage|prescription|"
    r"medication|medicine|treatment|results|scan)|what should i do about my|can i stop"
    r"|dois-je (?:prendre|arrêter|commencer|augmenter|diminuer|changer)|est-ce que je (?:peux|dois) (?:prendre|arrêter)"
    r"|ma (?:dose|posologie|prescription|ordonnance)|mon (?:traitement|médicament|dosage|scanner|bilan)"
    r"|mes (?:résultats|médicaments))",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    start: int
    end: int
    text: str


def personal_details(text: str) -> list[Finding]:
    """The personal details in `text`, in order, none overlapping."""
    found: list[Finding] = [Finding("email", m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)]
    for region in REGIONS:
        for number in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            found.append(Finding("phone", number.start, number.end, number.raw_string))
    for match in _NAME_CUES.finditer(text):
        found.append(Finding("name", match.start(1), match.end(1), match.group(1)))
    kept: list[Finding] = []
    for finding in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if not kept or finding.start >= kept[-1].end:
            kept.append(finding)
    return kept


def asks_for_personal_advice(text: str) -> bool:
    """Whether `text` reads like a request for advice about the writer's own treatment."""
    return _ADVICE.search(text) is not None
