"""Matching's pure core on a federation-sized pool: candidate generation and the exact solver, against
greedy on the same input and against an independent exact optimum on a smaller one.

What is measured
    instance   a seeded, reproducible federation: 28 associations in 7 languages and 16 time zones,
               each focused on a disease area (ICD-10 codes from 12 chapters), with comorbidities,
               bilingual members, caregivers, a federation pool (associations that allow it, members
               who consent), evening/weekend/lunchtime windows (some ending at midnight, some crossing
               it), preferences, mentors with capacity 1-5 and part of it taken, paused mentors, and
               declined pairs. `NOW` falls in the March week when New York has moved to summer time and
               Europe has not. 20,000 open requests, 5,000 mentors.
    candidates `generate_candidates`: index, join, hard rules, DST-correct weekly overlaps, scores.
    solve      `solve`: exact maximum-total-score assignment (OR-Tools min-cost flow per connected part).
    greedy     `greedy`: highest-scoring pair first, on the same candidates; a Python loop.
    reasons    `explain_unmatched` for the requests the optimum left unassigned (not part of the target).
Each step runs RUNS times on the same input; the median counts. One process, one thread; the machine's
other work (and other processes on the same cores) shows up as noise, so compare ratios, not seconds.

Checks of quality
    solve's total against greedy's on the large instance, and against the optimum that SciPy's
    `linear_sum_assignment` finds on a dense copy of a 400 × 100 instance (each mentor expanded into
    capacity slots, plus one zero-score column per request so that staying unassigned is allowed);
    they must be equal.

How to read the ratios
    RATIO matching_solve_vs_greedy_score = solve total / greedy total: how much better than greedy the
    optimum is (>= 1.00 by construction). RATIO matching_solve_vs_greedy_time = solve s / greedy s.
    RATIO matching_solve_vs_exact_optimum = solve total / SciPy optimum (must print 1.0000).

Run: .venv/bin/python -P bench/matching.py   (-P keeps bench/ off the import path: this file would hide
     the `matching` package it measures)
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import TypeVar, get_args

import numpy as np
from scipy.optimize import linear_sum_assignment

from matching.domain.availability import WeeklyAvailability
from matching.domain.candidates import Candidates, explain_unmatched, generate_candidates
from matching.domain.model import AgeBand, Condition, Mentor, Preferences, Request
from matching.domain.scoring import MatchingConfig
from matching.domain.solver import Assignment, components, greedy, solve
from shared.contracts.membership import AvailabilityWindow, Gender, Modality

SEED = 20260310
NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)  # New York on summer time since 8 March, Europe from 29 March
REQUESTS, MENTORS, ASSOCIATIONS = 20_000, 5_000, 28
SMALL_REQUESTS, SMALL_MENTORS, SMALL_ASSOCIATIONS = 400, 100, 2
RUNS = 3

COUNTRIES = {  # language: time zones, the first one most common
    "fr": ["Europe/Paris", "Europe/Brussels", "America/Toronto"],
    "de": ["Europe/Berlin", "Europe/Vienna", "Europe/Zurich"],
    "nl": ["Europe/Amsterdam", "Europe/Brussels"],
    "it": ["Europe/Rome"],
    "es": ["Europe/Madrid", "America/Mexico_City"],
    "en": ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "Europe/Dublin"],
    "pl": ["Europe/Warsaw"],
}
AREAS = [  # disease areas an association may focus on
    ["G43.0", "G43.1", "G43.9", "G44.2", "G44.0"],
    ["G40.3", "G40.9", "G41"],
    ["G35", "G20", "G12.2", "G71.0"],
    ["M79.7", "R52.2", "M54.5"],
    ["C50.9", "C50.4", "D05.1"],
    ["C18.7", "C20", "C91.0", "C92.0", "C83.3"],
    ["E10.9", "E11.9"],
    ["M05.8", "M06.0", "M45", "M32.1"],
    ["K50.9", "K51.9"],
    ["E84.0", "Q87.4"],
]
COMORBIDITIES = ["F32.1", "F41.1", "F33", "I10", "J45.0", "N18.4", "L40.0", "E11.9", "M54.5"]

T = TypeVar("T")


@dataclass(frozen=True)
class Association:
    id: uuid.UUID
    language: str
    area: list[str]
    allows_federation: bool


class Federation:
    """Draws members from one seeded random stream."""

    def __init__(self, seed: int, associations: int) -> None:
        self.rnd = random.Random(seed)
        languages = list(COUNTRIES)
        self.associations = [
            Association(
                id=self.uuid(),
                language=languages[i % len(languages)] if i < 2 * len(languages) else self.rnd.choice(languages),
                area=AREAS[i % len(AREAS)],
                allows_federation=self.rnd.random() < 0.7,
            )
            for i in range(associations)
        ]

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rnd.getrandbits(128), version=4)

    def chance(self, p: float) -> bool:
        return self.rnd.random() < p

    def languages(self, own: str) -> frozenset[str]:
        spoken = {own}
        if own != "en" and self.chance(0.3):
            spoken.add("en")
        if self.chance(0.08):
            spoken.add(self.rnd.choice(list(COUNTRIES)))
        return frozenset(spoken)

    def conditions(self, area: list[str], years_ago: tuple[int, int]) -> tuple[Condition, ...]:
        codes = {self.rnd.choice(area)}
        if self.chance(0.3):
            codes.add(self.rnd.choice(COMORBIDITIES))
        return tuple(Condition(code, NOW.year - self.rnd.randint(*years_ago)) for code in sorted(codes))

    def availability(self, language: str) -> WeeklyAvailability:
        zones, kind = COUNTRIES[language], self.rnd.random()
        if kind < 0.6:  # the association's own country
            zone = zones[0]
        elif kind < 0.9:  # elsewhere where the language is spoken
            zone = self.rnd.choice(zones)
        else:  # abroad
            zone = self.rnd.choice([z for zs in COUNTRIES.values() for z in zs])
        return WeeklyAvailability(zone, tuple(self.window() for _ in range(self.rnd.randint(2, 5))))

    def window(self) -> AvailabilityWindow:
        kind = self.rnd.random()
        if kind < 0.5:  # a weekday evening, sometimes to midnight or past it
            day, start = self.rnd.randint(0, 4), self.rnd.choice([17 * 60, 18 * 60, 18 * 60 + 30, 19 * 60, 20 * 60])
            length = self.rnd.choice([90, 120, 180, 240, 300])
        elif kind < 0.8:  # a weekend afternoon
            day, start, length = self.rnd.randint(5, 6), self.rnd.choice([10 * 60, 13 * 60, 14 * 60 + 30]), 180
        else:  # a lunch break
            day, start, length = self.rnd.randint(0, 4), 12 * 60, self.rnd.choice([60, 90])
        end = (start + length) % (24 * 60)
        return AvailabilityWindow(weekday=day, start=clock(start // 60, start % 60), end=clock(end // 60, end % 60))

    def person(self) -> dict[str, object]:
        association = self.rnd.choice(self.associations)
        return {
            "member_id": self.uuid(),
            "association_id": association.id,
            "languages": self.languages(association.language),
            "availability": self.availability(association.language),
            "is_caregiver": self.chance(0.2),
            "birth_year": NOW.year - self.rnd.randint(18, 80) if self.chance(0.9) else None,
            "gender": self.rnd.choice(get_args(Gender)) if self.chance(0.9) else None,
            "federation_consent": self.chance(0.5),
            "association_allows_federation": association.allows_federation,
            "area": association.area,
        }

    def preferences(self) -> Preferences:
        youngest = self.rnd.randint(18, 60)
        return Preferences(
            gender=self.rnd.choice(get_args(Gender)[:2]) if self.chance(0.3) else None,
            age_band=AgeBand(youngest, youngest + 20) if self.chance(0.2) else None,
            modality=self.rnd.choice(get_args(Modality)) if self.chance(0.4) else None,
            caregiver_for_caregiver=not self.chance(0.2),
        )

    def request(self) -> Request:
        person = self.person()
        area = person.pop("area")
        assert isinstance(area, list)
        return Request(
            request_id=self.uuid(),
            conditions=self.conditions(area, (0, 2)),
            created_at=NOW - timedelta(hours=self.rnd.randint(0, 90 * 24)),
            preferences=self.preferences(),
            **person,  # type: ignore[arg-type]
        )

    def mentor(self) -> Mentor:
        person = self.person()
        area = person.pop("area")
        assert isinstance(area, list)
        capacity = self.rnd.randint(1, 5)
        return Mentor(
            conditions=self.conditions(area, (2, 25)),
            modalities=frozenset(m for m in get_args(Modality) if self.chance(0.6)) or frozenset({"video"}),
            capacity=capacity,
            active_load=self.rnd.randint(0, capacity) if self.chance(0.5) else 0,
            paused=self.chance(0.05),
            approved=self.chance(0.97),
            **person,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Instance:
    requests: list[Request]
    mentors: list[Mentor]
    excluded: frozenset[tuple[uuid.UUID, uuid.UUID]]


def instance(seed: int, requests: int, mentors: int, associations: int) -> Instance:
    federation = Federation(seed, associations)
    request_list = [federation.request() for _ in range(requests)]
    mentor_list = [federation.mentor() for _ in range(mentors)]
    by_association: dict[uuid.UUID, list[Mentor]] = {}
    for mentor in mentor_list:
        by_association.setdefault(mentor.association_id, []).append(mentor)
    declined = {
        (r.member_id, federation.rnd.choice(by_association[r.association_id]).member_id)
        for r in federation.rnd.sample(request_list, requests // 10)
        if r.association_id in by_association
    }
    return Instance(request_list, mentor_list, frozenset(declined))


def timed(runs: int, step: Callable[[], T]) -> tuple[T, list[float]]:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        result = step()
        seconds.append(time.perf_counter() - started)
    return result, seconds


def figure(seconds: list[float]) -> str:
    return f"{statistics.median(seconds):7.3f} s  (runs: {', '.join(f'{s:.3f}' for s in seconds)})"


def exact_optimum(candidates: Candidates) -> int:
    """The optimum by SciPy on a dense copy: a column per mentor capacity slot, one per request to stay out."""
    requests = len(candidates.requests)
    slot_owner = np.repeat(np.arange(len(candidates.mentors)), candidates.capacity)
    scores = np.zeros((len(candidates.mentors), requests), dtype=np.int64)  # best score per mentor, request
    np.maximum.at(scores, (candidates.mentor, candidates.request), candidates.score)
    dense = np.zeros((requests, len(slot_owner) + requests), dtype=np.int64)
    dense[:, : len(slot_owner)] = scores[slot_owner].T
    rows, columns = linear_sum_assignment(dense, maximize=True)
    return int(dense[rows, columns].sum())


def describe(inst: Instance, candidates: Candidates, optimum: Assignment) -> None:
    per_request = np.bincount(candidates.request, minlength=len(inst.requests))
    slots = int(candidates.capacity.sum())
    label = components(candidates.request, candidates.mentor)
    sizes = np.bincount(np.unique(label, return_inverse=True)[1])
    print(
        f"\nMatching: {len(inst.requests):,} open requests × {len(inst.mentors):,} mentors"
        f" ({slots:,} free places), {len(inst.excluded):,} declined pairs, now = {NOW:%Y-%m-%d %H:%M} UTC"
    )
    print(
        f"candidate pairs: {len(candidates):,} (mean {per_request.mean():.1f} eligible mentors per request,"
        f" median {np.median(per_request):.0f}, {np.count_nonzero(per_request == 0):,} requests with none);"
        f" connected parts: {len(sizes)}, largest {sizes.max():,} pairs"
    )
    print(f"assigned by the optimum: {len(optimum.chosen):,} requests\n")


def main() -> None:
    config = MatchingConfig()
    inst = instance(SEED, REQUESTS, MENTORS, ASSOCIATIONS)

    def generate() -> Candidates:
        return generate_candidates(inst.requests, inst.mentors, config, now=NOW, excluded=inst.excluded)

    candidates, generation = timed(RUNS, generate)
    optimum, solving = timed(RUNS, lambda: solve(candidates))
    baseline, greedy_seconds = timed(RUNS, lambda: greedy(candidates))
    describe(inst, candidates, optimum)
    assigned = optimum.mentor_of(candidates, len(inst.requests))
    waiting = [r for r, mentor in zip(inst.requests, assigned.tolist(), strict=True) if mentor < 0]
    reasons, explaining = timed(
        1, lambda: explain_unmatched(waiting, inst.mentors, config, now=NOW, excluded=inst.excluded)
    )

    header = f"{'step':<34} {'median of ' + str(RUNS):>9}"
    print(f"{header}\n{'-' * 72}")
    print(f"{'candidates (generate_candidates)':<34} {figure(generation)}")
    print(f"{'solve (min-cost flow, exact)':<34} {figure(solving)}")
    total_seconds = statistics.median(generation) + statistics.median(solving)
    print(f"{'candidates + solve':<34} {total_seconds:7.3f} s")
    print(f"{'greedy (same candidates)':<34} {figure(greedy_seconds)}")
    counted = ", ".join(f"{reason.value} {reasons.count(reason):,}" for reason in sorted(set(reasons)))
    print(f"{'reasons for ' + format(len(waiting), ',') + ' unassigned':<34} {figure(explaining)}  {counted}")
    print(f"\ntotal score: solve {optimum.total:,}  greedy {baseline.total:,}")

    small = instance(SEED + 1, SMALL_REQUESTS, SMALL_MENTORS, SMALL_ASSOCIATIONS)
    small_candidates = generate_candidates(small.requests, small.mentors, config, now=NOW, excluded=small.excluded)
    small_total, reference = solve(small_candidates).total, exact_optimum(small_candidates)
    print(
        f"small instance {SMALL_REQUESTS} × {SMALL_MENTORS}: {len(small_candidates):,} pairs,"
        f" solve {small_total:,}, SciPy linear_sum_assignment {reference:,}\n"
    )
    print(f"RATIO matching_solve_vs_greedy_score: {optimum.total / baseline.total:.4f}")
    print(f"RATIO matching_solve_vs_greedy_time: {statistics.median(solving) / statistics.median(greedy_seconds):.2f}")
    print(f"RATIO matching_solve_vs_exact_optimum: {small_total / reference:.4f}")


if __name__ == "__main__":
    main()
