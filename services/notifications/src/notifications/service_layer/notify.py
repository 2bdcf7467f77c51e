"""Use case: the messages an integration event causes, per the dispatch table, recorded exactly once.

Runs in the consumer's transaction (`apply_once`), beside the inbox record of the event: for each
recipient, an in-app inbox entry (unless they turned the category off for the inbox) and an e-mail
delivery (pending, held for quiet hours, or suppressed with its reason). The sender worker sends the
e-mails later; it decides again when they fall due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from notifications.adapters import deliveries, directory, inbox_writer, recipients
from notifications.adapters.deliveries import NewDelivery, Status
from notifications.adapters.inbox_writer import NewEntry
from notifications.adapters.templates import Templates
from notifications.domain.delivery import DEFAULT_POLICY, EmailPolicy, Hold, Recipient, Suppress, decide
from notifications.domain.dispatch import ACCOUNT_MAIL_LIFETIME, ACCOUNT_TEMPLATES, Addressed, messages_for
from notifications.domain.email_message import message_id_for
from notifications.domain.links import Links
from notifications.domain.rendering import Reader, account_template_data, template_context, template_data
from notifications.service_layer.directory import apply_directory_message
from shared.contracts.envelope import Envelope, MessageData
from shared.contracts.membership import AccountMail
from shared.db.inbox import Effect
from shared.dependencies import Clock, utc_now


@dataclass(frozen=True)
class Notifier:
    """What recording a message needs: the templates (for inbox entries), links, the policy and a clock."""

    templates: Templates
    links: Links
    policy: EmailPolicy = DEFAULT_POLICY
    clock: Clock = field(default=utc_now)

    def effect(self, envelope: Envelope) -> Effect:
        """The consumer's effect for `envelope`: the directory first (a welcome needs the time zone and
        consents it brings), then the messages. An account e-mail (`membership.account.v1`) is one delivery
        to the address it carries and no inbox entry: a code or link belongs in the mailbox asked for."""

        async def apply(conn: asyncpg.Connection, data: MessageData) -> None:
            if isinstance(data, AccountMail):
                if not await directory.is_erased(conn, data.member_id):
                    await deliveries.record(conn, self._account_delivery(envelope, data))
                return
            await apply_directory_message(conn, data)
            await self.notify(conn, envelope, data)

        return apply

    async def notify(self, conn: asyncpg.Connection, envelope: Envelope, data: MessageData) -> None:
        payload = template_data(data.event_type, data.model_dump(mode="json"))  # nothing health-related is kept
        for message in messages_for(data):
            if await directory.is_erased(conn, message.member_id):
                continue
            recipient = await recipients.load(conn, message.member_id)
            reader = _reader(message, recipient, await display_name(conn, message.peer_id))
            if recipient is None or recipient.wants(message.rule.category, "inbox"):
                await inbox_writer.add(conn, self._entry(envelope.event_id, message, reader, payload))
            await deliveries.record(conn, self._delivery(envelope, message, recipient, payload))

    def _account_delivery(self, envelope: Envelope, mail: AccountMail) -> NewDelivery:
        now = self.clock()
        delivery_id = uuid4()
        expires_at = getattr(mail, "expires_at", None) or now + ACCOUNT_MAIL_LIFETIME
        return NewDelivery(
            delivery_id=delivery_id,
            event_id=envelope.event_id,
            member_id=mail.member_id,
            association_id=None,
            category="account",
            template=ACCOUNT_TEMPLATES[mail.event_type],
            context={"data": account_template_data(mail), "locale": mail.locale, "time_zone": mail.time_zone},
            urgent=True,
            status="pending",
            status_reason=None,
            next_attempt_at=now,
            message_id=message_id_for(delivery_id),
            created_at=now,
            to_address=mail.email,
            expires_at=expires_at,
        )

    def _entry(self, event_id: UUID, message: Addressed, reader: Reader, payload: dict[str, Any]) -> NewEntry:
        template = message.rule.template
        named = self.templates.render(
            template, reader.locale, template_context(template, payload, reader, self.links, None)
        )
        anonymous = named
        if reader.peer_name is not None:
            nameless = Reader(reader.name, reader.locale, reader.time_zone, reader.role)
            anonymous = self.templates.render(
                template, reader.locale, template_context(template, payload, nameless, self.links, None)
            )
        return NewEntry(
            member_id=message.member_id,
            event_id=event_id,
            category=message.rule.category,
            template=template,
            title=named.subject,
            body=named.preview,
            link=self.links.action(template, payload),
            context={"data": payload, "anonymous": {"title": anonymous.subject, "body": anonymous.preview}},
            mentions=[message.peer_id] if message.peer_id else [],
        )

    def _delivery(
        self, envelope: Envelope, message: Addressed, recipient: Recipient | None, payload: dict[str, Any]
    ) -> NewDelivery:
        now = self.clock()
        rule = message.rule
        decision = decide(recipient, rule.category, urgent=rule.urgent, now=now, recorded_at=now, policy=self.policy)
        status: Status = "pending"
        reason: str | None = None
        due = now
        match decision:
            case Suppress(reason=why):
                status, reason = "suppressed", why
            case Hold(until=until, reason="quiet_hours"):
                status, reason, due = "held", "quiet_hours", until
            case Hold(reason=why):  # the address is not known yet: the sender looks again when it is due
                reason = why
        delivery_id = uuid4()
        return NewDelivery(
            delivery_id=delivery_id,
            event_id=envelope.event_id,
            member_id=message.member_id,
            association_id=envelope.association_id,
            category=rule.category,
            template=rule.template,
            context={"data": payload, "role": rule.to, "peer_id": str(message.peer_id) if message.peer_id else None},
            urgent=rule.urgent,
            status=status,
            status_reason=reason,
            next_attempt_at=due,
            message_id=message_id_for(delivery_id),
            created_at=now,
        )


async def display_name(conn: asyncpg.Connection, member_id: UUID | None) -> str | None:
    """The name a message may show for another person; None when there is none or it is not known."""
    if member_id is None:
        return None
    return (await directory.display_names(conn, [member_id])).get(member_id)


def _reader(message: Addressed, recipient: Recipient | None, peer_name: str | None) -> Reader:
    if recipient is None:
        return Reader(None, "en", None, message.rule.to, peer_name)
    return Reader(recipient.display_name, recipient.locale, recipient.time_zone, message.rule.to, peer_name)
