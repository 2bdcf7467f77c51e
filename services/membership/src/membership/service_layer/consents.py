"""Use cases on a person's consents: the current state of each kind with its history, and recording a choice.

A choice is recorded against the current wording of that kind (its version); recording the state the
person is already in changes nothing and publishes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from membership.adapters import consents
from membership.domain.access import Actor
from membership.domain.consents import CONSENT_KINDS, CURRENT_VERSIONS, ConsentRecord
from membership.service_layer.announcements import announce_person_fact
from membership.service_layer.profile import own_account
from shared.contracts.membership import ConsentChanged, ConsentKind
from shared.errors import InvalidInput


@dataclass(frozen=True)
class ConsentState:
    """A kind of consent with the person's latest choice (None when never asked) and the current wording."""

    kind: ConsentKind
    current_version: str
    latest: ConsentRecord | None


@dataclass(frozen=True)
class Consents:
    states: list[ConsentState]
    history: list[ConsentRecord]


@dataclass(frozen=True)
class Recorded:
    record: ConsentRecord
    changed: bool


async def my_consents(pool: asyncpg.Pool, actor: Actor) -> Consents:
    async with pool.acquire() as conn, conn.transaction():
        latest = {record.kind: record for record in await consents.current(conn, actor.member_id)}
        history = await consents.history(conn, actor.member_id)
    states = [ConsentState(kind, CURRENT_VERSIONS[kind], latest.get(kind)) for kind in CONSENT_KINDS]
    return Consents(states=states, history=history)


async def record_consent(pool: asyncpg.Pool, actor: Actor, kind: ConsentKind, granted: bool, version: str) -> Recorded:
    """Append the choice to the ledger and publish it, unless it is the person's current state already."""
    if version != CURRENT_VERSIONS[kind]:
        raise InvalidInput(
            f"the current version of the {kind!r} consent is {CURRENT_VERSIONS[kind]!r}; show that wording"
            " and send its version"
        )
    async with pool.acquire() as conn, conn.transaction():
        await own_account(conn, actor.member_id, lock=True)  # one choice at a time per person
        latest = {record.kind: record for record in await consents.current(conn, actor.member_id)}
        same = latest.get(kind)
        if same is not None and same.granted == granted and same.version == version:
            return Recorded(same, changed=False)
        record = await consents.append(conn, actor.member_id, kind, granted, version)
        await announce_person_fact(
            conn, ConsentChanged(member_id=actor.member_id, kind=kind, granted=granted, version=version)
        )
    return Recorded(record, changed=True)
