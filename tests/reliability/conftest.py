"""Shared pieces of the backbone reliability tests."""

from __future__ import annotations

from uuid import uuid4

from shared.contracts import Envelope, new_envelope
from shared.contracts.membership import MemberJoined

ASSOCIATION = uuid4()


def member_joined(member_id: object = None) -> Envelope:
    data = MemberJoined(
        member_id=member_id or uuid4(),
        association_id=ASSOCIATION,
        languages=["en"],  # type: ignore[arg-type]
        time_zone="Europe/Paris",
        conditions=["G43.1"],
    )
    return new_envelope(data, source="reliability-test")
