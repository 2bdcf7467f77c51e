"""The delivery rules hold for every subscriber of every service, checked on the brokers the services build
(and on the source, so no subscriber bypasses `shared.messaging.subscriber`): a group id, earliest offsets,
no auto-commit, and offsets committed only after the handler succeeded (never ACK_FIRST)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from faststream import AckPolicy

from shared.messaging.asyncapi import SERVICES
from shared.messaging.settings import KafkaSettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("service", SERVICES)
def test_every_subscriber_commits_only_after_success(service: str) -> None:
    broker = importlib.import_module(f"{service}.bootstrap").SPEC.broker(KafkaSettings())
    assert broker.subscribers or service == "membership"
    for subscriber in broker.subscribers:
        options = subscriber._connection_args  # what aiokafka's consumer gets
        assert subscriber.group_id, f"{service}: a subscriber without a group id"
        assert subscriber.ack_policy == AckPolicy.NACK_ON_ERROR, f"{service}: {subscriber.ack_policy}"
        assert options["enable_auto_commit"] is False, f"{service}: auto-commit is on"
        assert options["auto_offset_reset"] == "earliest", f"{service}: {options['auto_offset_reset']}"


def test_no_code_acks_first_auto_commits_or_subscribes_around_the_shared_defaults() -> None:
    offenders = []
    for path in [*(ROOT / "services").glob("*/src/**/*.py"), *(ROOT / "shared").glob("**/*.py")]:
        text = path.read_text()
        where = path.relative_to(ROOT)
        if re.search(r"ACK_FIRST|enable_auto_commit\s*=\s*True|auto_commit\s*=\s*True", text):
            offenders.append(f"{where}: acks first or auto-commits")
        if re.search(r"\.subscriber\(", text) and where != Path("shared/messaging/broker.py"):
            offenders.append(f"{where}: subscribes without shared.messaging.subscriber")
    assert not offenders, "\n".join(offenders)
