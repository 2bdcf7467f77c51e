"""What short texts people write may contain: names and titles are shown to others, so they refuse control,
bidirectional-override and invisible characters (which can disguise one name as another or reorder what
is displayed around it). Text is stored in NFC form."""

from __future__ import annotations

import unicodedata

# Unicode categories no short text needs: controls, format characters (bidi overrides and isolates,
# zero-width spaces and joiners, the BOM, soft hyphens), line and paragraph separators, surrogates,
# private-use and unassigned code points.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


def check_short_text(value: str) -> str:
    """`value` in NFC form; ValueError naming the first character it refuses."""
    normal = unicodedata.normalize("NFC", value)
    for char in normal:
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            name = unicodedata.name(char, "NUL" if char == "\0" else "a control character")
            raise ValueError(
                f"must not contain control, bidirectional-override or invisible characters"
                f" (found U+{ord(char):04X} {name})"
            )
    return normal
