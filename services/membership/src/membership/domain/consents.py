"""Consent: a versioned, append-only ledger per person. The current state of a kind is its latest record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import get_args

from shared.contracts.membership import ConsentKind

CONSENT_KINDS: tuple[ConsentKind, ...] = get_args(ConsentKind)
# The wording each kind was given under; a new wording gets a new version and asks people again.
CURRENT_VERSIONS: dict[ConsentKind, str] = {
    "health_data": "2026-01",
    "peer_matching": "2026-01",
    "federation_matching": "2026-01",
    "email": "2026-01",
}


@dataclass(frozen=True)
class ConsentRecord:
    kind: ConsentKind
    granted: bool
    version: str
    recorded_at: datetime


def granted_kinds(records: list[ConsentRecord]) -> list[ConsentKind]:
    """Kinds whose latest record grants consent."""
    latest: dict[ConsentKind, ConsentRecord] = {}
    for record in sorted(records, key=lambda r: r.recorded_at):
        latest[record.kind] = record
    return [kind for kind in CONSENT_KINDS if kind in latest and latest[kind].granted]
