"""The message contract: envelopes, topics and the compatibility of payload schemas."""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from uuid import uuid4

import pytest
from pydantic import ValidationError

from shared.contracts import REGISTRY, Envelope, MessageData, Topic, model_for, new_envelope
from shared.contracts.membership import MemberJoined
from shared.contracts.registry import CONTRACT_MODULES
from shared.contracts.snapshots import breaking_changes, current_schema, snapshot_path

TOPICS_FILE = Path(__file__).resolve().parents[2] / "deploy" / "kafka" / "topics.toml"


def joined() -> MemberJoined:
    return MemberJoined(
        member_id=uuid4(), association_id=uuid4(), languages=["fr"], time_zone="Europe/Paris", conditions=["G43.1"]
    )


def test_envelope_carries_subject_tenant_and_ids() -> None:
    data = joined()
    envelope = new_envelope(data, source="membership", correlation_id="c-1", causation_id="e-0")
    assert envelope.event_type == "member.joined" and envelope.event_version == 1
    assert envelope.subject == str(data.member_id)
    assert envelope.association_id == data.association_id
    assert envelope.headers()["event_id"] == str(envelope.event_id)
    assert envelope.headers()["event_type"] == "member.joined"
    assert envelope.payload(MemberJoined) == data


def test_envelope_ignores_unknown_fields_and_is_frozen() -> None:
    raw = json.loads(new_envelope(joined(), source="membership").model_dump_json())
    raw["added_by_a_newer_producer"] = 1
    envelope = Envelope.model_validate(raw)
    with pytest.raises(ValidationError):
        envelope.source = "someone else"  # type: ignore[misc]


def test_occurred_at_is_normalised_to_utc_and_must_be_aware() -> None:
    paris = timezone(timedelta(hours=1))
    envelope = new_envelope(joined(), source="membership", occurred_at=datetime(2026, 1, 1, 12, tzinfo=paris))
    assert envelope.occurred_at.utcoffset() == timedelta(0) and envelope.occurred_at.hour == 11
    raw = json.loads(envelope.model_dump_json())
    raw["occurred_at"] = "2026-01-01T12:00:00"
    with pytest.raises(ValidationError, match="timezone"):
        Envelope.model_validate(raw)


def test_every_payload_topic_is_defined_in_the_topics_file() -> None:
    defined = tomllib.loads(TOPICS_FILE.read_text())["topics"]
    assert {t.value for t in Topic} == set(defined)
    for model in REGISTRY.values():
        assert defined[model.topic.value]["owner"] == model.topic.owner


def test_consumer_groups_read_only_defined_topics() -> None:
    raw = tomllib.loads(TOPICS_FILE.read_text())
    for group, spec in raw["groups"].items():
        assert set(spec["topics"]) <= set(raw["topics"]), group
    # personal data: only notifications reads the contact topic
    readers = [g for g, spec in raw["groups"].items() if Topic.CONTACT.value in spec["topics"]]
    assert readers == ["notifications"]


@pytest.mark.parametrize("service", ["events", "gateway", "matching", "notifications"])
def test_each_consumer_group_in_the_plan_reads_exactly_what_the_service_subscribes_to(service: str) -> None:
    """The plan's groups make the dead-letter topics, KEDA's triggers and `make run`'s check that every group
    has caught up before a stop: a topic listed but not read is lag that never ends."""
    from faststream.kafka import KafkaBroker

    from shared.messaging import KafkaSettings

    consumers = importlib.import_module(f"{service}.entrypoints.consumers")
    broker = KafkaBroker("127.0.0.1:1")  # never connected: only the subscriptions are read
    consumers.register(broker, KafkaSettings())
    subscribed = {(s.group_id, topic) for s in broker.subscribers for topic in s.topic_names}
    planned = tomllib.loads(TOPICS_FILE.read_text())["groups"][service]["topics"]
    assert subscribed == {(service, topic) for topic in planned}


@pytest.mark.parametrize("model", list(REGISTRY.values()), ids=lambda m: f"{m.event_type}.v{m.event_version}")
def test_payload_schema_has_no_incompatible_change(model: type) -> None:
    path = snapshot_path(model)
    assert path.exists(), f"no snapshot for {model.__name__}: run `make contracts-snapshot` and commit it"
    problems = breaking_changes(json.loads(path.read_text()), current_schema(model))
    assert not problems, f"{model.__name__} changed incompatibly (make a new event version instead): {problems}"


@pytest.mark.parametrize("model", list(REGISTRY.values()), ids=lambda m: f"{m.event_type}.v{m.event_version}")
def test_payload_schema_snapshot_is_up_to_date(model: type) -> None:
    recorded = json.loads(snapshot_path(model).read_text())
    assert recorded == json.loads(json.dumps(current_schema(model))), (
        f"{model.__name__} changed compatibly; record it with `make contracts-snapshot` and commit the snapshot"
    )


def test_compatibility_rules_catch_breaking_changes() -> None:
    old = current_schema(MemberJoined)
    removed = json.loads(json.dumps(old))
    del removed["properties"]["time_zone"]
    removed["required"].remove("time_zone")
    retyped = json.loads(json.dumps(old))
    retyped["properties"]["is_caregiver"] = {"type": "string"}
    required = json.loads(json.dumps(old))
    required["properties"]["new_field"] = {"type": "string"}
    required["required"].append("new_field")
    optional = json.loads(json.dumps(old))
    optional["properties"]["nickname"] = {"type": "string", "default": ""}

    assert any("removed" in p for p in breaking_changes(old, removed))
    assert any("changed type" in p for p in breaking_changes(old, retyped))
    assert any("became required" in p for p in breaking_changes(old, required))
    assert breaking_changes(old, optional) == []


def test_every_concrete_payload_model_of_the_contract_modules_is_registered() -> None:
    declared = {
        model
        for module in CONTRACT_MODULES
        for _, model in inspect.getmembers(module, inspect.isclass)
        if issubclass(model, MessageData) and "event_type" in vars(model)
    }

    assert declared, "no payload model found"
    assert declared == set(REGISTRY.values())


def test_an_unknown_message_type_is_skipped_and_logged_by_name(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="shared.contracts.registry"):
        assert model_for("member.teleported", 1) is None

    assert any(getattr(record, "event_type", None) == "member.teleported" for record in caplog.records)
