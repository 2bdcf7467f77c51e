"""Candidate pairs for many requests and mentors at once: the hard rules and the score, vectorised.

Gives exactly the pairs `scoring.eligible` accepts, with exactly `scoring.score(...).total`, without
ever looking at every request × mentor pair:

1. Index. Each person is filed under keys (pool, role, language, chapter): pool is their association,
   and also the federation pool when they are in it; role is patient or caregiver (a caregiver mentee
   who does not insist on a caregiver is filed under both); language and ICD-10 chapter range over the
   person's own. Two people share a key exactly when they pass the pool, role and language rules and
   share a chapter, which is what condition similarity > 0 means.
2. Join. Mentors who can take a mentee are sorted by key; each request key row finds its run of mentors
   by binary search, and the runs are expanded into pair arrays with numpy (no Python loop per pair),
   a chunk of about 65,000 pairs at a time so that every step below works in cache.
3. Keep each pair once: a pair sharing several keys is kept under its first one (own association before
   the federation pool, lowest shared language, lowest shared chapter), decided with bitmasks.
4. Filter (not the same person, not declined, weekly overlap by popcount) and score; the condition
   level and the mentor's years come from comparing packed ICD-10 paths of every code pair.

`explain_unmatched` runs the same join with the language left out of the key over every approved
mentor, to find how far each unmatched request's best candidate got through the rules.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import get_args
from uuid import UUID

import numpy as np
import numpy.typing as npt

from matching.domain.availability import (
    ReferenceWeek,
    SlotMasks,
    common_slot_minutes,
    week_interval_arrays,
)
from matching.domain.model import Mentor, Request
from matching.domain.scoring import (
    ELIGIBLE,
    ExcludedPairs,
    MatchingConfig,
    Rule,
    UnmatchedReason,
    availability_points,
    condition_points,
    experience_points,
    preference_points,
    reason_for,
    waiting_points,
)
from matching.domain.similarity import levels
from shared.contracts.membership import Gender, Modality

Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
CHAPTERS = 22
_CHUNK = 1 << 16  # pairs per pass
_GENDERS = {gender: i for i, gender in enumerate(get_args(Gender))}
_MODALITIES = {modality: i for i, modality in enumerate(get_args(Modality))}
_YEARS = 4096  # packs (level, years) into one integer so one max picks the closest, then longest-known, code
_UNKNOWN = -1
_ABSENT = -2
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Candidates:
    """Eligible pairs as parallel arrays: request `request[k]` with mentor `mentor[k]` scores `score[k]`.

    Indices point into `requests` and `mentors` as given; `capacity[m]` is mentor m's free capacity.
    """

    requests: Sequence[Request]
    mentors: Sequence[Mentor]
    request: npt.NDArray[np.int32]
    mentor: npt.NDArray[np.int32]
    score: Ints
    capacity: Ints

    def __len__(self) -> int:
        return len(self.score)


@dataclass(frozen=True)
class _Side:
    """One side (requests or mentors) as columns, plus its key rows (person `row_owner[k]` has `row_key[k]`)."""

    association: Ints
    member: Ints
    language_words: tuple[npt.NDArray[np.uint64], ...]  # languages 64·w to 64·w + 63 of each person, as bits
    chapter_mask: Ints
    path_start: Ints  # codes of person i: paths[path_start[i]:path_start[i + 1]]
    paths: Ints
    years: Ints  # years since diagnosis per code (used on the mentor side)
    row_owner: Ints
    row_key: Ints


class _Encoder:
    """Turns people into `_Side` columns with small integer ids shared by both sides.

    A key is ((2·pool + role)·(languages + 1) + language)·CHAPTERS + chapter, where pool is the
    association's id or -1 for the federation pool, so the federation keys are the negative ones.
    """

    def __init__(self, languages: Iterable[str], now: datetime, by_language: bool) -> None:
        self.languages = {lang: i for i, lang in enumerate(sorted(set(languages)))}
        self.associations: dict[UUID, int] = {}
        self.members: dict[UUID, int] = {}
        self.now = now
        self.by_language = by_language

    def side(self, people: Sequence[Request | Mentor], roles: Sequence[int]) -> _Side:
        """Columns for `people`; `roles[i]` has bit 0 set when person i may meet a patient, bit 1 a caregiver."""
        associations, members, languages = self.associations, self.members, self.languages
        association_of, member_of, federation = [], [], []
        spoken, spoken_count, paths, chapters, diagnosed, code_count = [], [], [], [], [], []
        for person in people:
            association_of.append(associations.setdefault(person.association_id, len(associations)))
            member_of.append(members.setdefault(person.member_id, len(members)))
            federation.append(person.in_federation_pool)
            own = sorted([languages[lang] for lang in person.languages if lang in languages])  # sets have no order
            spoken.extend(own)
            spoken_count.append(len(own))
            known = [c for c in person.conditions if c.path is not None]
            paths.extend([c.path for c in known])
            chapters.extend([c.chapter for c in known])
            diagnosed.extend([_UNKNOWN if c.diagnosed_year is None else c.diagnosed_year for c in known])
            code_count.append(len(known))
        count = len(people)
        codes = np.array(code_count, dtype=np.int64)
        code_owner = np.repeat(np.arange(count), codes)
        chapter_mask = np.zeros(count, dtype=np.int64)
        np.bitwise_or.at(chapter_mask, code_owner, np.left_shift(1, np.array(chapters, dtype=np.int64)))
        has_chapter = np.zeros(count * CHAPTERS, dtype=np.bool_)
        has_chapter[code_owner * CHAPTERS + np.array(chapters, dtype=np.int64)] = True
        chapter_owner, chapter = np.divmod(np.flatnonzero(has_chapter), CHAPTERS)
        language = np.array(spoken, dtype=np.int64)
        language_owner = np.repeat(np.arange(count), np.array(spoken_count, dtype=np.int64))
        association = np.array(association_of, dtype=np.int64)
        owner, key = self._keys(
            association,
            np.array(federation, dtype=np.bool_),
            np.array(roles, dtype=np.int64),
            (language_owner, language),
            (chapter_owner, chapter),
        )
        return _Side(
            association=association,
            member=np.array(member_of, dtype=np.int64),
            language_words=_bitsets(language_owner, language, count, words=max(1, -(-len(languages) // 64))),
            chapter_mask=chapter_mask,
            path_start=np.concatenate([[0], np.cumsum(codes)]),
            paths=np.array(paths, dtype=np.int64),
            years=self._years_since(np.array(diagnosed, dtype=np.int64)),
            row_owner=owner,
            row_key=key,
        )

    def _keys(
        self,
        association: Ints,
        federation: npt.NDArray[np.bool_],
        roles: Ints,
        languages: tuple[Ints, Ints],
        chapters: tuple[Ints, Ints],
    ) -> tuple[Ints, Ints]:
        """Every person's keys: (pool, role) × language × chapter, crossed per person. `languages` and
        `chapters` are (owner, value) rows ordered by owner."""
        count = len(federation)
        person = np.repeat(np.arange(count), 4)
        in_federation, role = np.tile([0, 0, 1, 1], count), np.tile([0, 1, 0, 1], count)
        usable = ((in_federation == 0) | federation[person]) & ((roles[person] >> role) & 1 == 1)
        person, in_federation, role = person[usable], in_federation[usable], role[usable]
        base = 2 * np.where(in_federation == 1, -1, association[person]) + role
        if self.by_language:
            person, base, language = _cross(person, base, *languages, count)
        else:
            language = np.zeros(len(person), dtype=np.int64)
        base = base * (len(self.languages) + 1) + language
        person, base, chapter = _cross(person, base, *chapters, count)
        key: Ints = base * CHAPTERS + chapter
        return person, key

    def _years_since(self, diagnosed: Ints) -> Ints:
        """As `scoring.years_since`, kept below _YEARS."""
        years: Ints = np.where(diagnosed == _UNKNOWN, 0, np.clip(self.now.year - diagnosed, 0, _YEARS - 1))
        return years

    def excluded_codes(self, excluded: ExcludedPairs) -> Ints:
        """Declined or blocked pairs as mentee id · members + mentor id, sorted (unknown people dropped)."""
        members, width = self.members, len(self.members)
        codes = [members[a] * width + members[b] for a, b in excluded if a in members and b in members]
        return np.unique(np.array(codes, dtype=np.int64))


def _bitsets(owner: Ints, member: Ints, count: int, words: int) -> tuple[npt.NDArray[np.uint64], ...]:
    """Per person, the set of small integers they own, as `words` 64-bit words."""
    sets = []
    for w in range(words):
        here = member // 64 == w
        bits = np.zeros(count, dtype=np.uint64)
        np.bitwise_or.at(bits, owner[here], np.left_shift(np.uint64(1), (member[here] % 64).astype(np.uint64)))
        sets.append(bits)
    return tuple(sets)


def _cross(owner: Ints, value: Ints, other_owner: Ints, other: Ints, count: int) -> tuple[Ints, Ints, Ints]:
    """Every (value, other) of the same owner; both inputs ordered by owner."""
    other_count = np.bincount(other_owner, minlength=count)
    other_start = np.cumsum(other_count) - other_count
    fan = other_count[owner]
    row = np.repeat(np.arange(len(owner)), fan)
    within = np.arange(len(row)) - np.repeat(np.cumsum(fan) - fan, fan)
    return owner[row], value[row], other[other_start[owner[row]] + within]


def _roles(requests: Sequence[Request]) -> list[int]:
    """Bit 0: may meet a patient mentor; bit 1: a caregiver mentor."""
    return [int(r.accepts_patient_mentors()) | 2 * int(r.accepts_caregiver_mentors()) for r in requests]


def _mentor_roles(mentors: Sequence[Mentor]) -> list[int]:
    return [2 if m.is_caregiver else 1 for m in mentors]


@dataclass(frozen=True)
class _Pairs:
    request: Ints
    mentor: Ints

    def where(self, keep: Mask) -> _Pairs:
        return _Pairs(self.request[keep], self.mentor[keep])


class _Join:
    """The pairs that share a key, each once, a chunk at a time."""

    def __init__(self, requests: _Side, mentors: _Side, encoder: _Encoder) -> None:
        self.requests, self.mentors, self.encoder = requests, mentors, encoder
        order = np.argsort(mentors.row_key, kind="stable")
        self.mentor_keys, self.mentor_rows = mentors.row_key[order], mentors.row_owner[order]
        self.first = np.searchsorted(self.mentor_keys, requests.row_key, side="left")
        self.counts = np.searchsorted(self.mentor_keys, requests.row_key, side="right") - self.first

    def chunks(self) -> Iterator[_Pairs]:
        """Runs of request key rows holding about _CHUNK pairs each."""
        ends = np.cumsum(self.counts)
        total = int(ends[-1]) if len(ends) else 0
        cuts = np.searchsorted(ends, np.arange(_CHUNK, total, _CHUNK), side="left") + 1
        bounds = np.unique(np.concatenate([[0], cuts, [len(self.counts)]]))
        for start, stop in itertools.pairwise(bounds.tolist()):
            yield self._expand(start, stop)

    def _expand(self, start: int, stop: int) -> _Pairs:
        counts = self.counts[start:stop]
        row = np.repeat(np.arange(start, stop), counts)
        offset = np.arange(len(row)) - np.repeat(np.cumsum(counts) - counts, counts)
        request = self.requests.row_owner[row]
        mentor = self.mentor_rows[np.repeat(self.first[start:stop], counts) + offset]
        return _Pairs(request, mentor).where(self._first_shared_key(request, mentor, self.requests.row_key[row]))

    def _first_shared_key(self, request: Ints, mentor: Ints, key: Ints) -> Mask:
        """Whether `key` is the pair's first shared key (see the module docstring, step 3)."""
        mine, theirs = self.requests, self.mentors
        shared_chapters = mine.chapter_mask[request] & theirs.chapter_mask[mentor]
        keep: Mask = (shared_chapters & -shared_chapters) == np.left_shift(1, key % CHAPTERS)
        keep &= (key >= 0) | (mine.association[request] != theirs.association[mentor])  # federation keys < 0
        if self.encoder.by_language:
            language = (key // CHAPTERS) % (len(self.encoder.languages) + 1)
            keep &= _first_shared_language(mine, theirs, request, mentor, language)
        return keep


def _first_shared_language(requests: _Side, mentors: _Side, request: Ints, mentor: Ints, language: Ints) -> Mask:
    """Whether `language` is the lowest language the pair shares."""
    first = np.zeros(len(request), dtype=np.bool_)
    seen = np.zeros(len(request), dtype=np.bool_)
    word_of, bit = language // 64, np.left_shift(np.uint64(1), (language % 64).astype(np.uint64))
    for w, (mine, theirs) in enumerate(zip(requests.language_words, mentors.language_words, strict=True)):
        shared = mine[request] & theirs[mentor]
        lowest = shared & (~shared + np.uint64(1))
        first |= ~seen & (word_of == w) & (lowest == bit)
        seen |= shared != 0
    return first


class _Rules:
    """The per-pair hard rules the keys do not already guarantee."""

    def __init__(
        self,
        requests: Sequence[Request],
        mentors: Sequence[Mentor],
        sides: tuple[_Side, _Side],
        encoder: _Encoder,
        excluded: ExcludedPairs,
        now: datetime,
    ) -> None:
        self.mentees, self.helpers = sides
        self.members = len(encoder.members)
        self.someone_on_both_sides = len(np.intersect1d(self.mentees.member, self.helpers.member)) > 0
        self.blocked = encoder.excluded_codes(excluded)
        self.has_block = np.zeros(len(requests), dtype=np.bool_)
        mentee_of_block = self.blocked // max(self.members, 1)
        self.has_block[np.isin(self.mentees.member, mentee_of_block)] = True
        week = ReferenceWeek.starting(now)
        mentee_free = week_interval_arrays([r.availability for r in requests], week)
        mentor_free = week_interval_arrays([m.availability for m in mentors], week)
        slot = common_slot_minutes(mentee_free, mentor_free)
        self.mentee_masks = SlotMasks(mentee_free, len(requests), slot)
        self.mentor_masks = SlotMasks(mentor_free, len(mentors), slot)

    def itself(self, pairs: _Pairs) -> Mask:
        if not self.someone_on_both_sides:
            return np.zeros(len(pairs.request), dtype=np.bool_)
        same: Mask = self.mentees.member[pairs.request] == self.helpers.member[pairs.mentor]
        return same

    def declined(self, pairs: _Pairs) -> Mask:
        declined = np.zeros(len(pairs.request), dtype=np.bool_)
        suspect = np.flatnonzero(self.has_block[pairs.request])
        if len(suspect):
            codes = (
                self.mentees.member[pairs.request[suspect]] * self.members + self.helpers.member[pairs.mentor[suspect]]
            )
            where = np.minimum(np.searchsorted(self.blocked, codes), len(self.blocked) - 1)
            declined[suspect] = self.blocked[where] == codes
        return declined

    def overlap(self, pairs: _Pairs) -> Ints:
        return self.mentee_masks.overlap(pairs.request, self.mentor_masks, pairs.mentor)


class _Scorer:
    """`scoring.score(...).total` for many pairs."""

    def __init__(
        self,
        requests: Sequence[Request],
        mentors: Sequence[Mentor],
        sides: tuple[_Side, _Side],
        config: MatchingConfig,
        now: datetime,
    ) -> None:
        self.mentees, self.helpers = sides
        self.config = config
        wishes = [r.preferences for r in requests]
        self.wanted_gender = np.array([_GENDERS[w.gender] if w.gender else _UNKNOWN for w in wishes], dtype=np.int64)
        self.youngest = np.array([w.age_band.youngest if w.age_band else _UNKNOWN for w in wishes], dtype=np.int64)
        self.oldest = np.array([w.age_band.oldest if w.age_band else _UNKNOWN for w in wishes], dtype=np.int64)
        self.wanted_modality = np.array(
            [_MODALITIES[w.modality] if w.modality else _UNKNOWN for w in wishes], dtype=np.int64
        )
        self.gender = np.array([_GENDERS[m.gender] if m.gender else _ABSENT for m in mentors], dtype=np.int64)
        self.age = np.array(
            [now.year - m.birth_year if m.birth_year is not None else _ABSENT for m in mentors], dtype=np.int64
        )
        self.modalities = np.array([sum(1 << _MODALITIES[x] for x in m.modalities) for m in mentors], dtype=np.int64)
        self.waiting = waiting_points(_days_waiting(requests, now), config)

    def __call__(self, pairs: _Pairs, overlap: Ints) -> Ints:
        level, years = self._closest_conditions(pairs)
        score: Ints = (
            condition_points(level, self.config.weights)
            + availability_points(overlap, self.config)
            + preference_points(self._preferences_met(pairs), self.config.weights)
            + experience_points(years, self.config)
            + self.waiting[pairs.request]
        )
        return score

    def _closest_conditions(self, pairs: _Pairs) -> tuple[Ints, Ints]:
        """(level, mentor's years) of each pair's closest pair of codes, as `scoring.closest_condition`."""
        mine, theirs = self.mentees, self.helpers
        my_first, their_first = mine.path_start[pairs.request], theirs.path_start[pairs.mentor]
        their_count = theirs.path_start[pairs.mentor + 1] - their_first
        combinations = (mine.path_start[pairs.request + 1] - my_first) * their_count
        starts = np.cumsum(combinations) - combinations
        pair = np.repeat(np.arange(len(combinations)), combinations)
        i, j = np.divmod(np.arange(len(pair)) - starts[pair], their_count[pair])
        code = their_first[pair] + j
        packed = levels(mine.paths[my_first[pair] + i], theirs.paths[code]) * _YEARS + theirs.years[code]
        best = np.maximum.reduceat(packed, starts) if len(starts) else packed
        return best // _YEARS, best % _YEARS

    def _preferences_met(self, pairs: _Pairs) -> Ints:
        """As `scoring.preferences_met`, for each pair."""
        r, m = pairs.request, pairs.mentor
        wanted = self.wanted_gender[r]
        met: Ints = ((wanted == _UNKNOWN) | (wanted == self.gender[m])).astype(np.int64)
        youngest, age = self.youngest[r], self.age[m]
        met += (youngest == _UNKNOWN) | ((age != _ABSENT) & (youngest <= age) & (age <= self.oldest[r]))
        modality = self.wanted_modality[r]
        met += (modality == _UNKNOWN) | ((self.modalities[m] >> np.maximum(modality, 0)) & 1 == 1)
        return met


def _days_waiting(requests: Sequence[Request], now: datetime) -> Ints:
    """As `scoring.days_waiting`, in exact integer microseconds."""
    micro = timedelta(microseconds=1)
    created = np.array([(r.created_at - _EPOCH) // micro for r in requests], dtype=np.int64)
    days: Ints = np.maximum(0, ((now - _EPOCH) // micro - created) // (86_400 * 1_000_000))
    return days


def _language_ids(mentors: Iterable[Mentor]) -> list[str]:
    return [lang for m in mentors for lang in m.languages]


def generate_candidates(
    requests: Sequence[Request],
    mentors: Sequence[Mentor],
    config: MatchingConfig,
    *,
    now: datetime,
    excluded: ExcludedPairs = frozenset(),
) -> Candidates:
    """Every eligible (request, mentor) pair with its score. Deterministic for a given input order."""
    available = np.array([i for i, m in enumerate(mentors) if m.available], dtype=np.int64)
    pool = [mentors[i] for i in available]
    encoder = _Encoder(_language_ids(pool), now, by_language=True)
    sides = encoder.side(requests, _roles(requests)), encoder.side(pool, _mentor_roles(pool))
    rules = _Rules(requests, pool, sides, encoder, excluded, now)
    score = _Scorer(requests, pool, sides, config, now)

    found: list[tuple[Ints, Ints, Ints]] = []
    for pairs in _Join(*sides, encoder).chunks():
        candidates = pairs.where(~rules.itself(pairs) & ~rules.declined(pairs))
        overlap = rules.overlap(candidates)
        enough = overlap >= config.min_overlap_minutes
        candidates = candidates.where(enough)
        found.append((candidates.request, candidates.mentor, score(candidates, overlap[enough])))
    request, mentor, scores = (
        np.concatenate([f[k] for f in found]) if found else np.zeros(0, np.int64) for k in range(3)
    )
    capacity = np.zeros(len(mentors), dtype=np.int64)
    capacity[available] = [m.free_capacity for m in pool]
    return Candidates(
        requests=requests,
        mentors=mentors,
        request=request.astype(np.int32),
        mentor=available[mentor].astype(np.int32),
        score=scores,
        capacity=capacity,
    )


def explain_unmatched(
    requests: Sequence[Request],
    mentors: Sequence[Mentor],
    config: MatchingConfig,
    *,
    now: datetime,
    excluded: ExcludedPairs = frozenset(),
) -> list[UnmatchedReason]:
    """`scoring.unmatched_reason` for each request, vectorised: how far through the rules each request's
    best mentor got. Meant for the requests the solver left unassigned; one that has an eligible mentor
    gets ALL_MENTORS_FULL (the optimum gave that capacity to others)."""
    approved = [m for m in mentors if m.approved]
    encoder = _Encoder(_language_ids(approved), now, by_language=False)
    sides = encoder.side(requests, _roles(requests)), encoder.side(approved, _mentor_roles(approved))
    rules = _Rules(requests, approved, sides, encoder, excluded, now)
    paused = np.array([m.paused for m in approved], dtype=np.bool_)
    full = np.array([m.free_capacity == 0 for m in approved], dtype=np.bool_)
    furthest = np.zeros(len(requests), dtype=np.int64)
    for pairs in _Join(*sides, encoder).chunks():
        shared = np.zeros(len(pairs.request), dtype=np.bool_)
        for mine, theirs in zip(sides[0].language_words, sides[1].language_words, strict=True):
            shared |= (mine[pairs.request] & theirs[pairs.mentor]) != 0
        failures = (
            (Rule.NOT_SELF, rules.itself(pairs)),
            (Rule.LANGUAGE, ~shared),
            (Rule.AVAILABILITY, rules.overlap(pairs) < config.min_overlap_minutes),
            (Rule.NOT_DECLINED, rules.declined(pairs)),
            (Rule.NOT_PAUSED, paused[pairs.mentor]),
            (Rule.FREE_CAPACITY, full[pairs.mentor]),
        )
        stage = np.full(len(pairs.request), ELIGIBLE, dtype=np.int64)
        for rule, failed in reversed(failures):
            stage[failed] = rule
        np.maximum.at(furthest, pairs.request, stage)
    return [reason_for(int(s)) for s in furthest]
