"""The shape of an ICD-10 code as Fellowship's services accept it (`G43`, `G43.1`, `C50.9`): one pattern, so
that events, community and the web client refuse the same things with the same words."""

from __future__ import annotations

import re

ICD10 = re.compile(r"[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?")


def checked_codes(codes: list[str]) -> list[str]:
    """The codes, sorted and each once; ValueError naming the first that is not an ICD-10 code (a pydantic
    validator turns it into a 400 that says so)."""
    for code in codes:
        if not ICD10.fullmatch(code):
            raise ValueError(f"{code!r} is not an ICD-10 code such as 'G43' or 'C50.9'")
    return sorted(set(codes))
