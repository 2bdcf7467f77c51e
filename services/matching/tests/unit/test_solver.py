"""The exact solver against an independent optimum (SciPy on a dense copy), and the greedy baseline."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from matching.domain.solver import Assignment, PairTable, components, greedy, solve


def table(pairs: list[tuple[int, int, int]], capacity: list[int]) -> PairTable:
    request, mentor, score = zip(*pairs, strict=True) if pairs else ((), (), ())
    return PairTable(
        request=np.array(request, dtype=np.int32),
        mentor=np.array(mentor, dtype=np.int32),
        score=np.array(score, dtype=np.int64),
        capacity=np.array(capacity, dtype=np.int64),
    )


def exact_optimum(pairs: PairTable, requests: int) -> int:
    """SciPy's linear_sum_assignment on a dense copy: a column per capacity slot, plus one zero column per
    request so that staying unassigned is allowed."""
    mentors = len(pairs.capacity)
    best = np.zeros((requests, mentors), dtype=np.int64)
    np.maximum.at(best, (pairs.request, pairs.mentor), pairs.score)
    slot_owner = np.repeat(np.arange(mentors), pairs.capacity)
    dense = np.zeros((requests, len(slot_owner) + requests), dtype=np.int64)
    dense[:, : len(slot_owner)] = best[:, slot_owner]
    rows, columns = linear_sum_assignment(dense, maximize=True)
    return int(dense[rows, columns].sum())


def assert_feasible(pairs: PairTable, assignment: Assignment) -> None:
    chosen_requests = pairs.request[assignment.chosen]
    assert len(set(chosen_requests.tolist())) == len(chosen_requests), "a request was assigned twice"
    load = np.bincount(pairs.mentor[assignment.chosen], minlength=len(pairs.capacity))
    assert (load <= pairs.capacity).all(), "a mentor got more mentees than free places"
    assert assignment.total == int(pairs.score[assignment.chosen].sum())


@st.composite
def instances(draw: st.DrawFn) -> tuple[PairTable, int]:
    requests, mentors = draw(st.integers(1, 9)), draw(st.integers(1, 6))
    possible = [(r, m) for r in range(requests) for m in range(mentors)]
    chosen = draw(st.lists(st.sampled_from(possible), unique=True, max_size=len(possible)))
    # Narrow score ranges make many ties, wide ones exercise large costs.
    high = draw(st.sampled_from([3, 50, 100_000]))
    pairs = [(r, m, draw(st.integers(1, high))) for r, m in chosen]
    capacity = draw(st.lists(st.integers(0, 3), min_size=mentors, max_size=mentors))
    return table(pairs, capacity), requests


@settings(max_examples=300, deadline=None)
@given(instances())
def test_solve_reaches_the_exact_optimum_within_capacity(instance: tuple[PairTable, int]) -> None:
    pairs, requests = instance
    assignment = solve(pairs)
    assert_feasible(pairs, assignment)
    assert assignment.total == exact_optimum(pairs, requests)


@settings(max_examples=150, deadline=None)
@given(instances())
def test_greedy_is_feasible_and_never_better_than_solve(instance: tuple[PairTable, int]) -> None:
    pairs, _ = instance
    baseline = greedy(pairs)
    assert_feasible(pairs, baseline)
    assert baseline.total <= solve(pairs).total


@settings(max_examples=50, deadline=None)
@given(instances())
def test_solve_is_deterministic(instance: tuple[PairTable, int]) -> None:
    pairs, _ = instance
    assert solve(pairs).chosen.tolist() == solve(pairs).chosen.tolist()


def test_the_optimum_gives_up_the_best_pair_when_two_good_ones_beat_it() -> None:
    # A-X 10, A-Y 9, B-X 8, B-Y 1: greedy takes A-X and B-Y (11); the optimum A-Y and B-X (17).
    pairs = table([(0, 0, 10), (0, 1, 9), (1, 0, 8), (1, 1, 1)], [1, 1])
    assert greedy(pairs).total == 11
    best = solve(pairs)
    assert best.total == 17
    assert best.mentor_of(pairs, 2).tolist() == [1, 0]


def test_requests_stay_unassigned_when_places_run_out() -> None:
    pairs = table([(0, 0, 5), (1, 0, 7), (2, 0, 6)], [2])
    assert solve(pairs).mentor_of(pairs, 3).tolist() == [-1, 0, 0]


def test_full_mentors_and_empty_input_assign_nothing() -> None:
    assert solve(table([(0, 0, 5)], [0])).total == 0
    empty = solve(table([], [2]))
    assert empty.total == 0 and len(empty.chosen) == 0


def union_find_labels(request: npt.NDArray[np.int32], mentor: npt.NDArray[np.int32]) -> list[int]:
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(node: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for r, m in zip(request.tolist(), mentor.tolist(), strict=True):
        parent[root(("r", r))] = root(("m", m))
    roots = [root(("r", r)) for r in request.tolist()]
    return [roots.index(x) for x in roots]


@settings(max_examples=100, deadline=None)
@given(instances())
def test_components_are_the_connected_parts(instance: tuple[PairTable, int]) -> None:
    pairs, _ = instance
    labels = components(pairs.request, pairs.mentor).tolist()
    expected = union_find_labels(pairs.request, pairs.mentor)
    assert [labels.index(x) for x in labels] == expected
