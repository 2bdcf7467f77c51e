"""Condition similarity on the ICD-10 hierarchy: same code > category > block > chapter > unrelated."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.domain.similarity import (
    SAME_BLOCK,
    SAME_CATEGORY,
    SAME_CHAPTER,
    SAME_CODE,
    UNRELATED,
    best_level,
    chapter_of,
    code_path,
    condition_similarity,
    level,
    levels,
)

# One reference code and one code per level of likeness to it.
MIGRAINE_WITH_AURA = "G43.1"
LADDER = [
    ("G43.1", 1.0),  # same code
    ("G43.0", 0.75),  # migraine without aura: same category G43
    ("G44.2", 0.5),  # tension-type headache: same block G40-G47
    ("G20", 0.25),  # Parkinson disease: same chapter VI, block G20-G26
    ("E11.9", 0.0),  # type 2 diabetes: chapter IV
]


@pytest.mark.parametrize(("code", "expected"), LADDER)
def test_each_level_of_the_hierarchy_has_its_similarity(code: str, expected: float) -> None:
    assert condition_similarity([MIGRAINE_WITH_AURA], [code]) == expected


def test_the_levels_are_strictly_ordered() -> None:
    values = [condition_similarity([MIGRAINE_WITH_AURA], [code]) for code, _ in LADDER]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)


def test_a_category_and_its_subcategory_share_the_category() -> None:
    assert condition_similarity(["G43"], ["G43.1"]) == 0.75


def test_nested_blocks_count_as_the_same_block() -> None:
    # Breast (C50, in C50-C50 < C00-C75 < C00-C97) and leukaemia (C91, in C81-C96 < C00-C97).
    assert condition_similarity(["C50.9"], ["C91.0"]) == 0.5
    # Carcinoma in situ (D05) is in chapter II but outside the malignant-neoplasm blocks.
    assert condition_similarity(["C50.9"], ["D05.1"]) == 0.25


def test_the_best_pair_across_both_sides_counts() -> None:
    assert condition_similarity(["E11.9", "G43.1"], ["F32.1", "G43.0"]) == 0.75
    assert condition_similarity(["E11.9", "G43.1"], ["F32.1", "E11.9"]) == 1.0
    assert condition_similarity([], ["G43.1"]) == 0.0


def test_codes_are_read_without_dot_and_in_any_case() -> None:
    assert code_path("g431") == code_path("G43.1") is not None
    assert chapter_of("G43.1") == chapter_of("g20") == 5  # chapter VI, counted from 0


def test_codes_outside_the_classification_match_nothing() -> None:
    assert code_path("XX9") is None and code_path("G40-G47") is None  # not a code; a block, not a category
    assert condition_similarity(["XX9"], ["XX9"]) == 0.0


codes = st.sampled_from(
    ["G43", "G43.0", "G43.1", "G44.2", "G20", "G35", "E10.9", "E11.9", "C50.9", "C91.0", "D05.1", "F32.1"]
)


@given(st.lists(codes, max_size=4), st.lists(codes, max_size=4))
def test_similarity_is_symmetric_and_the_vectorised_levels_agree(mine: list[str], theirs: list[str]) -> None:
    assert best_level(mine, theirs) == best_level(theirs, mine)
    a = np.array([code_path(c) for c in mine for _ in theirs], dtype=np.int64)
    b = np.array([code_path(c) for _ in mine for c in theirs], dtype=np.int64)
    assert levels(a, b).tolist() == [level(int(x), int(y)) for x, y in zip(a, b, strict=True)]


@given(codes, codes)
def test_a_level_says_how_much_of_the_path_two_codes_share(a: str, b: str) -> None:
    x, y = code_path(a), code_path(b)
    assert x is not None and y is not None
    found = level(x, y)
    assert found in (SAME_CODE, SAME_CATEGORY, SAME_BLOCK, SAME_CHAPTER, UNRELATED)
    assert (found == SAME_CODE) == (x == y)
    assert (found >= SAME_CHAPTER) == (chapter_of(a) == chapter_of(b))
