"""Sealed message fields: opened with the person's key, skipped once it is gone, refused under another key."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

import pytest
from cryptography.fernet import Fernet

from shared.contracts import new_envelope
from shared.contracts.membership import ConditionsChanged, ContactUpdated, MemberJoined
from shared.protection import SEALED, UnknownKey, open_payload, use_key_source


class Keys:
    def __init__(self) -> None:
        self.keys: dict[UUID, bytes] = {}

    async def key_for(self, member_id: UUID) -> bytes:
        if member_id not in self.keys:
            raise UnknownKey(str(member_id))
        return self.keys[member_id]


def sealed(data: ConditionsChanged | MemberJoined, key: bytes) -> dict[str, object]:
    payload = data.model_dump(mode="json")
    hidden = {name: payload.pop(name) for name in data.protected}
    return {**payload, SEALED: Fernet(key).encrypt(json.dumps(hidden).encode()).decode()}


@pytest.fixture
def keys() -> Keys:
    source = Keys()
    use_key_source(source)
    yield source  # type: ignore[misc]
    use_key_source(None)


async def test_a_sealed_payload_opens_with_the_persons_key_and_not_after_erasure(keys: Keys) -> None:
    member = uuid4()
    keys.keys[member] = Fernet.generate_key()
    fact = ConditionsChanged(member_id=member, conditions=["M79.7"], diagnosed_in={"M79.7": 2016})
    envelope = new_envelope(fact).model_copy(update={"data": sealed(fact, keys.keys[member])})
    assert "M79.7" not in envelope.model_dump_json()

    assert await open_payload(envelope, ConditionsChanged) == fact
    del keys.keys[member]  # erased
    assert await open_payload(envelope, ConditionsChanged) is None


async def test_fields_sealed_under_another_key_are_refused(keys: Keys) -> None:
    member = uuid4()
    keys.keys[member] = Fernet.generate_key()
    fact = ConditionsChanged(member_id=member, conditions=["G43.1"])
    envelope = new_envelope(fact).model_copy(update={"data": sealed(fact, Fernet.generate_key())})
    with pytest.raises(ValueError, match="do not open"):
        await open_payload(envelope, ConditionsChanged)


async def test_a_process_without_keys_reads_who_a_sealed_fact_is_about_and_nothing_sealed() -> None:
    member = uuid4()
    joined = MemberJoined(
        member_id=member, association_id=uuid4(), time_zone="Europe/Paris", conditions=["M79.7"], birth_year=1970
    )
    envelope = new_envelope(joined).model_copy(update={"data": sealed(joined, Fernet.generate_key())})
    use_key_source(None)  # the gateway's case: it never holds people's keys

    with pytest.raises(RuntimeError, match="no key source"):
        await open_payload(envelope, MemberJoined)
    seen = await open_payload(envelope, MemberJoined, leave_sealed=True)
    assert isinstance(seen, MemberJoined) and seen.member_id == member and seen.time_zone == "Europe/Paris"
    assert seen.conditions == [] and seen.birth_year is None, "the sealed fields stay closed, at their defaults"


def test_names_addresses_and_health_fields_are_the_protected_ones() -> None:
    assert ContactUpdated.protected == {"display_name", "email"}
    assert {"conditions", "diagnosed_in"} <= ConditionsChanged.protected
