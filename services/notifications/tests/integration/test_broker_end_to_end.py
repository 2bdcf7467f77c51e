"""Membership's and matching's messages on the real broker become e-mails at a real SMTP server: the
notifications service as `bootstrap` builds it (consumers, the e-mail sender, the inbox listener)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from aiokafka import AIOKafkaProducer
from icalendar import Calendar

from notifications.bootstrap import MIGRATIONS, NotificationsServiceSettings, bootstrap
from notifications.entrypoints.consumers import GROUP
from notifications.settings import SmtpSettings
from shared.contracts import Envelope, Topic, new_envelope
from shared.contracts.events import ConferenceSuggested, RegistrationConfirmed
from shared.contracts.matching import MatchProposed
from shared.contracts.membership import ContactUpdated, MemberJoined
from shared.db.pool import DatabaseSettings
from shared.embedded import EmbeddedBroker, free_port
from shared.messaging import KafkaSettings
from shared.testing.eventually import eventually
from shared.testing.plugin import ServiceDatabase
from shared.testing.topics import make_topics

from .mail_harness import MailCatcher, mail_fixture, sender_settings  # noqa: F401  # the fixture


@pytest.fixture
def own_kafka(kafka_settings: KafkaSettings) -> Iterator[KafkaSettings]:
    """A broker of this test's own (on the embedded one): the fixed 'notifications' group must not share
    group state with the notifications processes other tests start and stop on the session's broker."""
    if kafka_settings.profile != "embedded":
        yield kafka_settings
        return
    broker = EmbeddedBroker(free_port())
    broker.start()
    try:
        yield kafka_settings.model_copy(update={"bootstrap_servers": broker.bootstrap_servers})
    finally:
        broker.stop()


async def test_messages_on_the_broker_become_emails_once(
    service_database: ServiceDatabase, own_kafka: KafkaSettings, mail: MailCatcher
) -> None:
    kafka_settings = own_kafka
    bootstrap_servers = kafka_settings.bootstrap_servers
    topics = [Topic.MEMBER, Topic.CONTACT, Topic.MATCH, Topic.REGISTRATION]
    await make_topics(bootstrap_servers, *topics, *(f"{topic}.{GROUP}.dlq" for topic in topics))
    association, mentor, mentee = uuid4(), uuid4(), uuid4()
    settings = NotificationsServiceSettings(
        database=DatabaseSettings(url=await service_database(MIGRATIONS)),
        kafka=kafka_settings,
        smtp=SmtpSettings(host="127.0.0.1", port=mail.port),
        sender=sender_settings(poll_interval_seconds=0.2),
    )
    service = await bootstrap(settings)
    producer = AIOKafkaProducer(**kafka_settings.producer_options())
    await producer.start()
    await service.workers.start()
    try:
        for member, name in ((mentor, "Marc Mentor"), (mentee, "Mia Mentee")):
            await _publish(producer, Topic.CONTACT, _contact(member, association, name))
            await _publish(producer, Topic.MEMBER, _joined(member, association))
        proposed = _proposal(mentee, mentor, association)
        await _publish(producer, Topic.MATCH, proposed)
        await _publish(producer, Topic.MATCH, proposed)  # the same envelope again: a redelivery
        booked = _booked(mentee, association)
        await _publish(producer, Topic.REGISTRATION, booked)
        await _publish(producer, Topic.REGISTRATION, booked)
        suggested = _suggested(mentor, association)
        await _publish(producer, Topic.REGISTRATION, suggested)
        await _publish(producer, Topic.REGISTRATION, suggested)

        # The broker is shared by the whole session: other tests' members pass through these topics
        # too, so only the e-mails to this test's two people are counted.
        def ours() -> list[tuple[str, str]]:
            mine = [m for m in mail.messages if mentor.hex in str(m["To"]) or mentee.hex in str(m["To"])]
            return sorted((str(m["To"]), str(m["Subject"])) for m in mine)

        await eventually(ours, until=lambda mine: len(mine) >= 5, timeout=90, interval=0.2)
        await asyncio.sleep(2)  # time for a duplicate to show up
        assert ours() == [
            (f"Marc Mentor <{mentor.hex}@example.org>", "An event you may like"),
            (f"Marc Mentor <{mentor.hex}@example.org>", "Someone would welcome your support as a mentor"),
            (f"Marc Mentor <{mentor.hex}@example.org>", "Welcome to Fellowship"),
            (f"Mia Mentee <{mentee.hex}@example.org>", "Welcome to Fellowship"),
            (f"Mia Mentee <{mentee.hex}@example.org>", "Your place is booked"),
        ]
        entries = await service.pool.fetchval("SELECT count(*) FROM inbox_entries WHERE member_id = $1", mentor)
        assert entries == 3

        # the confirmation carries the calendar entry, read back by a third-party parser at the right instants
        confirmation = next(
            m for m in mail.messages if m["Subject"] == "Your place is booked" and mentee.hex in m["To"]
        )
        files = [part for part in confirmation.walk() if part.get_content_type() == "text/calendar"]
        assert len(files) == 1 and files[0].get_filename() == "event.ics", confirmation.as_string()[:2000]
        calendar = Calendar.from_ical(files[0].get_payload(decode=True))
        event = calendar.walk("VEVENT")[0]
        assert (
            str(calendar["METHOD"]) == "PUBLISH"
            and str(event["UID"]) == f"{booked.data['conference_id']}@events.fellowship"
        )
        assert event.decoded("DTSTART") == datetime(2030, 2, 3, 18, tzinfo=UTC)
        assert event.decoded("DTEND") == datetime(2030, 2, 3, 19, 30, tzinfo=UTC)
        assert str(event.decoded("DTSTART").tzinfo) == "Europe/Paris"  # written in the host's zone

        # the mentee is erased: membership's tombstone on the contact topic
        await producer.send_and_wait(Topic.CONTACT, value=None, key=str(mentee).encode())
        await _until(lambda: _known(service.pool, mentee), False)
        assert await service.pool.fetchval("SELECT count(*) FROM deliveries WHERE member_id = $1", mentee) == 0
    finally:
        await producer.stop()
        await service.workers.stop()


def _contact(member: UUID, association: UUID, name: str) -> Envelope:
    return new_envelope(
        ContactUpdated(
            member_id=member, association_id=association, display_name=name, email=f"{member.hex}@example.org"
        ),
        source="membership",
    )


def _joined(member: UUID, association: UUID) -> Envelope:
    joined = MemberJoined(member_id=member, association_id=association, time_zone="Europe/London", consents=["email"])
    return new_envelope(joined, source="membership")


def _proposal(mentee: UUID, mentor: UUID, association: UUID) -> Envelope:
    data = MatchProposed(
        request_id=uuid4(),
        mentee_id=mentee,
        association_id=association,
        match_id=uuid4(),
        mentor_id=mentor,
        score=50.0,
        expires_at=datetime(2030, 1, 10, 18, tzinfo=UTC),
        breakdown={"condition": 50.0},
    )
    return new_envelope(data, source="matching")


def _booked(member: UUID, association: UUID) -> Envelope:
    data = RegistrationConfirmed(
        conference_id=uuid4(),
        registration_id=uuid4(),
        member_id=member,
        association_id=association,
        kind="conference",
        title="Moving gently: an evening with a physiotherapist",
        starts_at=datetime(2030, 2, 3, 18, tzinfo=UTC),
        ends_at=datetime(2030, 2, 3, 19, 30, tzinfo=UTC),
        time_zone="Europe/Paris",
        places=1,
    )
    return new_envelope(data, source="events")


def _suggested(member: UUID, association: UUID) -> Envelope:
    data = ConferenceSuggested(
        conference_id=uuid4(),
        member_id=member,
        association_id=association,
        kind="conference",
        title="Living with migraine: what helps",
        starts_at=datetime(2030, 3, 3, 18, tzinfo=UTC),
    )
    return new_envelope(data, source="events")


async def _publish(producer: AIOKafkaProducer, topic: str, envelope: Envelope) -> None:
    await producer.send_and_wait(
        topic,
        value=envelope.model_dump_json().encode(),
        key=envelope.subject.encode(),
        headers=[(k, v.encode()) for k, v in envelope.headers().items()],
    )


async def _known(pool: object, member: UUID) -> bool:
    found: bool = await pool.fetchval("SELECT EXISTS (SELECT 1 FROM directory WHERE member_id = $1)", member)  # type: ignore[attr-defined]
    return found


async def _until(probe: Any, expected: object, timeout: float = 30.0) -> None:
    await eventually(probe, until=lambda value: value == expected, timeout=timeout, interval=0.1)
