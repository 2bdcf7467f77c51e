"""Who may be matched and which two people may be paired, without a database."""

from __future__ import annotations

from dataclasses import replace
from uuid import uuid4

from matching.domain.eligibility import MATCHING_CONSENTS, Party, in_federation_pool, may_be_matched, may_pair

HOME, ELSEWHERE = uuid4(), uuid4()
BOTH = frozenset(MATCHING_CONSENTS)


def party(association: object = HOME, consents: frozenset[str] = BOTH, **changes: object) -> Party:
    person = Party(uuid4(), association, consents, True, True, frozenset({"member"}))  # type: ignore[arg-type]
    return replace(person, **changes)  # type: ignore[arg-type]


def mentor(association: object = HOME, consents: frozenset[str] = BOTH, **changes: object) -> Party:
    return party(association, consents, roles=frozenset({"member", "mentor"}), **changes)


def test_matching_needs_both_consents() -> None:
    assert may_be_matched({"peer_matching", "health_data", "email"})
    assert not may_be_matched({"peer_matching"})
    assert not may_be_matched({"health_data"})


def test_the_federation_pool_needs_the_consent_and_the_association() -> None:
    assert in_federation_pool(True, True)
    assert not in_federation_pool(True, False)
    assert not in_federation_pool(False, True)


def test_two_active_consenting_people_of_one_association_may_pair() -> None:
    assert may_pair(party(), mentor())


def test_anyone_missing_inactive_unconsenting_or_no_mentor_may_not_pair() -> None:
    assert not may_pair(None, mentor())
    assert not may_pair(party(), None)
    assert not may_pair(party(active=False), mentor())
    assert not may_pair(party(), mentor(active=False))
    assert not may_pair(party(consents=frozenset({"peer_matching"})), mentor())
    assert not may_pair(party(), mentor(consents=frozenset({"health_data"})))
    assert not may_pair(party(), party())  # the other side has no mentor role


def test_across_associations_both_must_be_in_the_federation_pool() -> None:
    pooled = BOTH | {"federation_matching"}

    assert may_pair(party(consents=pooled), mentor(ELSEWHERE, pooled))
    assert not may_pair(party(consents=pooled), mentor(ELSEWHERE, BOTH))
    assert not may_pair(party(), mentor(ELSEWHERE, pooled))
    assert not may_pair(party(consents=pooled, federation_matching_allowed=False), mentor(ELSEWHERE, pooled))
