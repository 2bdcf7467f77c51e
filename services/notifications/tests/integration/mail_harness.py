"""The e-mail pipeline under test: a real SMTP server, a fresh notifications database, a movable clock.

`MailCatcher` is a real SMTP server (aiosmtpd) keeping what it accepts; `SmtpOutage` puts a fault-injecting
proxy in front of it so a test can make the server unreachable and bring it back. `Pipeline` applies
membership's and matching's messages exactly as the consumers do (`apply_once` with the notifier's effect)
and sends with the real sender worker and SMTP client. To use the fixtures (`mail`, `smtp_outage`,
`sending`, `pipeline`), import their functions (`*_fixture`) into the test module.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from notifications.bootstrap import MIGRATIONS, NotificationsServiceSettings, bootstrap
from notifications.entrypoints.consumers import GROUP
from notifications.service_layer.notify import Notifier
from notifications.service_layer.sender import EmailSender
from notifications.settings import SenderSettings, SmtpSettings
from shared.contracts import Envelope as MessageEnvelope
from shared.contracts import new_envelope
from shared.contracts.envelope import MessageData
from shared.contracts.membership import ConsentKind, ContactUpdated, MemberJoined
from shared.db.inbox import apply_once
from shared.db.pool import DatabaseSettings
from shared.embedded import free_port
from shared.testing.eventually import eventually
from shared.testing.plugin import ServiceDatabase
from shared.testing.proxy import FaultyProxy

# -- a real SMTP server ---------------------------------------------------------------------------


class _Keep:
    """aiosmtpd handler: keeps every accepted message; refuses recipients listed in `refuse` with a 550."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []  # as they came over the wire
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected"  # as real servers quote it
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw if isinstance(raw, bytes) else raw.encode(), policy=policy.default)
        with self.lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
            self.raw.append(raw if isinstance(raw, bytes) else raw.encode())
        return "250 Message accepted for delivery"


@dataclass
class MailCatcher:
    port: int
    handler: _Keep = field(default_factory=_Keep)

    @property
    def messages(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def one(self, address: str, subject_start: str) -> EmailMessage:
        [message] = [m for m in self.to(address) if str(m["Subject"]).startswith(subject_start)]
        return message

    async def wait_for(self, count: int, timeout: float = 15.0) -> list[EmailMessage]:
        """The messages, once at least `count` arrived (AssertionError after `timeout`)."""
        await eventually(
            lambda: self.messages, until=lambda found: len(found) >= count, timeout=timeout, what="e-mails"
        )
        return self.messages


@contextlib.contextmanager
def mail_server(*, smtputf8: bool = True) -> Iterator[MailCatcher]:
    """An SMTP server on 127.0.0.1 keeping what it accepts; `smtputf8` says whether it offers SMTPUTF8."""
    catcher = MailCatcher(free_port())
    controller = Controller(catcher.handler, hostname="127.0.0.1", port=catcher.port, enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        yield catcher
    finally:
        controller.stop()


@pytest.fixture(name="mail")
def mail_fixture() -> Iterator[MailCatcher]:
    with mail_server() as catcher:
        yield catcher


@pytest.fixture(name="smtp_outage")
async def smtp_outage_fixture(mail: MailCatcher) -> AsyncIterator[FaultyProxy]:
    """A proxy in front of the SMTP server: `cut()` makes it unreachable, `restore()` brings it back."""
    proxy = FaultyProxy(free_port(), mail.port)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()


# -- time ---------------------------------------------------------------------------------------


@dataclass
class MovableClock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


# -- the pipeline -------------------------------------------------------------------------------


@dataclass
class Pipeline:
    pool: asyncpg.Pool
    notifier: Notifier
    sender: EmailSender
    clock: MovableClock
    secret: str
    links: Any

    async def apply(self, message: MessageData | MessageEnvelope) -> MessageEnvelope:
        """Apply a message (or a redelivered envelope) as the consumer does; returns its envelope."""
        envelope = message if isinstance(message, MessageEnvelope) else new_envelope(message, source="test")
        self.clock.advance(timedelta(milliseconds=1))  # time passes between messages: their rows sort in order
        await apply_once(self.pool, GROUP, envelope, self.notifier.effect(envelope))
        return envelope

    async def member(
        self,
        *,
        association_id: UUID | None = None,
        name: str = "Ada Lovelace",
        locale: str = "en",
        time_zone: str = "Europe/Paris",
        consents: tuple[ConsentKind, ...] = ("email", "peer_matching"),
        email: str | None = None,
    ) -> UUID:
        """A member as membership announces them: contact first, then `member.joined` (a welcome follows)."""
        member_id, association_id = uuid4(), association_id or uuid4()
        await self.apply(
            ContactUpdated(
                member_id=member_id,
                association_id=association_id,
                display_name=name,
                email=email or f"{member_id.hex[:8]}@example.org",
                locale=locale,
            )
        )
        await self.apply(
            MemberJoined(
                member_id=member_id, association_id=association_id, time_zone=time_zone, consents=list(consents)
            )
        )
        return member_id

    async def email_of(self, member_id: UUID) -> str:
        address: str = await self.pool.fetchval("SELECT email FROM directory WHERE member_id = $1", member_id)
        return address

    async def deliveries(self, member_id: UUID) -> list[asyncpg.Record]:
        return await self.pool.fetch(
            "SELECT * FROM deliveries WHERE member_id = $1 ORDER BY created_at, template", member_id
        )

    async def delivery(self, member_id: UUID, template: str) -> asyncpg.Record:
        [row] = await self.pool.fetch(
            "SELECT * FROM deliveries WHERE member_id = $1 AND template = $2 ORDER BY created_at DESC LIMIT 1",
            member_id,
            template,
        )
        return row

    async def inbox(self, member_id: UUID) -> list[asyncpg.Record]:
        return await self.pool.fetch("SELECT * FROM inbox_entries WHERE member_id = $1 ORDER BY created_at", member_id)

    async def count(self, table: str, member_id: UUID) -> int:
        found: int = await self.pool.fetchval(f"SELECT count(*) FROM {table} WHERE member_id = $1", member_id)
        return found


def sender_settings(**overrides: Any) -> SenderSettings:
    values: dict[str, Any] = {
        "retry_base_seconds": 0.5,
        "retry_max_seconds": 2.0,
        "poll_interval_seconds": 0.5,
        **overrides,
    }
    return SenderSettings(**values)


@pytest.fixture(name="sending")
def sending_fixture() -> SenderSettings:
    """The sender's settings for this test (override the fixture to change them)."""
    return sender_settings()


@pytest.fixture(name="pipeline")
async def pipeline_fixture(
    service_database: ServiceDatabase, smtp_outage: FaultyProxy, sending: SenderSettings
) -> AsyncIterator[Pipeline]:
    clock = MovableClock()
    settings = NotificationsServiceSettings(
        database=DatabaseSettings(url=await service_database(MIGRATIONS), pool_max_size=10),
        smtp=SmtpSettings(
            host="127.0.0.1",
            port=smtp_outage.listen_port,
            timeout_seconds=5,
            from_address="Fellowship <no-reply@fellowship.test>",
        ),
        sender=sending,
    )
    service = await bootstrap(settings, clock=clock)
    parts = service.dependencies
    try:
        yield Pipeline(
            parts.database, parts.notifier, parts.sender, clock, parts.unsubscribe_secret, parts.sender.links
        )
    finally:
        await parts.sender.stop()
        await parts.database.close()
