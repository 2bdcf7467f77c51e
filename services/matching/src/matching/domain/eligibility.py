"""Who may be matched at all, and which two people may be paired: written once, used by the solver's SQL
(the consent set is its parameter), the proposal writer's fresh re-check and the consumers.

- Both consents in `MATCHING_CONSENTS` are needed to be matched: peer matching itself and the use of the
  health data it relies on.
- A pair across two associations is in the federation pool only when each person consented to
  `federation_matching` and each person's association allows it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

MATCHING_CONSENTS: frozenset[str] = frozenset({"peer_matching", "health_data"})
FEDERATION_CONSENT = "federation_matching"


def may_be_matched(consents: Collection[str]) -> bool:
    """Both consents matching needs are given."""
    return set(consents) >= MATCHING_CONSENTS


def in_federation_pool(federation_consent: bool, association_allows_federation: bool) -> bool:
    """The person may be matched across associations: they consented and their association allows it."""
    return federation_consent and association_allows_federation


@dataclass(frozen=True)
class Party:
    """One side of a pair as it is now (read under a share lock just before a proposal is written)."""

    member_id: UUID
    association_id: UUID
    consents: frozenset[str]
    federation_matching_allowed: bool
    active: bool
    roles: frozenset[str]


def may_pair(mentee: Party | None, mentor: Party | None) -> bool:
    """The hard rules that depend on facts a consumer may have just changed: both still active members who
    may be matched, the mentor still a mentor, and for two associations both in the federation pool."""
    if mentee is None or mentor is None or not (mentee.active and mentor.active) or "mentor" not in mentor.roles:
        return False
    if not (may_be_matched(mentee.consents) and may_be_matched(mentor.consents)):
        return False
    if mentee.association_id == mentor.association_id:
        return True
    return all(
        in_federation_pool(FEDERATION_CONSENT in p.consents, p.federation_matching_allowed) for p in (mentee, mentor)
    )
