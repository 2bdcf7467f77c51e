"""Words that suggest a risk of suicide or self-harm, per language, and the help shown at once to whoever
wrote them.

The lists are maintained here, with tests (`tests/unit/test_safeguarding.py`) of what they must and must not
catch. They are phrases, not single words: "this pain is killing me" is how people speak of pain, "I want
to kill myself" is not. A match never publishes, hides or deletes anything by itself: it holds the item for
a moderator, first in their queue, and the author sees supportive words and where to find help now. Text is
checked against every language's list (people mix languages).
"""

from __future__ import annotations

import re
import unicodedata

PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        r"kill(ing)? myself",
        r"end(ing)? (it all|my life|things)",
        r"take my (own )?life",
        r"(want|wish|wanted|going) to die",
        r"better off (dead|without me)",
        r"no (reason|point) (in |to )?(living|live|going on)",
        r"don'?t want to (live|be here|wake up)",
        r"suicid(e|al)",
        r"hurt(ing)? myself",
        r"self[- ]harm",
        r"cut(ting)? myself",
        r"overdose",
        r"can'?t go on",
    ),
    "fr": (
        r"me (tuer|suicider|foutre en l'?air)",
        r"mettre fin a (mes jours|ma vie)",
        r"en finir",
        r"(envie|veux|voudrais) (de )?mourir",
        r"plus envie de vivre",
        r"plus (de )?raison de vivre",
        r"suicid(e|aire)",
        r"me faire du mal",
        r"me (blesser|scarifier|couper)",
        r"automutilation",
        r"overdose",
        r"je n'?en peux plus de vivre",
    ),
}
_PATTERNS = {
    language: re.compile(r"\b(" + "|".join(phrases) + r")\b", re.IGNORECASE) for language, phrases in PHRASES.items()
}
CRISIS_RESOURCES = {  # shown at once to the author of a held item; an association may give its own later
    "en": (
        "Thank you for writing this. It sounds like things are very hard right now, and you do not have to face"
        " them alone. If you might act on these thoughts, call 112 (or your local emergency number) now. You can"
        " also talk to someone at any hour: Samaritans on 116 123 (UK and Ireland), or your country's crisis line."
        " A moderator of your association will read what you wrote soon."
    ),
    "fr": (
        "Merci d'avoir écrit cela. Vous traversez sans doute un moment très difficile, et vous n'avez pas à le"
        " vivre seul ou seule. Si vous risquez de passer à l'acte, appelez le 112 (ou le 15) maintenant. Vous"
        " pouvez aussi parler à quelqu'un à toute heure : le 3114, numéro national de prévention du suicide"
        " (France), ou la ligne d'écoute de votre pays. Une personne de la modération de votre association lira"
        " votre message bientôt."
    ),
}


def _plain(text: str) -> str:
    """Lower case, accents off, typographic apostrophes straight: "à" and "a", "’" and "'" match alike."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def suggests_risk(text: str) -> bool:
    """Whether `text` contains a phrase of any language's list."""
    plain = _plain(text)
    return any(pattern.search(plain) for pattern in _PATTERNS.values())


def crisis_resources(locale: str) -> str:
    return CRISIS_RESOURCES.get(locale, CRISIS_RESOURCES["en"])
