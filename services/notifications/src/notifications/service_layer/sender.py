"""The e-mail sender: a background worker that sends due deliveries through SMTP, once each.

Exactly once, as far as SMTP allows. Each delivery is claimed with `FOR UPDATE SKIP LOCKED` in a
transaction that stays open while the e-mail is handed to the server and then records the outcome
(sent, a retry, failed). So:

- two senders (tasks or replicas) never hold the same delivery at once: no concurrent double send;
- a delivery is `sent` exactly when the server's acceptance was recorded; if the process dies or the
  database is lost between the server's "250 OK" and the commit, the row is still pending and the
  e-mail is sent again. The alternative (commit "attempt started" before sending, "sent" after) only
  changes that duplicate into a loss: a row left "started" must either be resent (the same duplicate)
  or given up (an e-mail never sent). We prefer a rare duplicate to a lost e-mail.
- the duplicate no design avoids: the server took the e-mail but its acknowledgement was lost (a
  timeout after the data was sent). Every attempt carries the delivery's stable Message-ID
  (`<delivery_id@fellowship>`), so mail systems that dedupe on it show one e-mail.

A send the server could not take yet (unreachable, timeouts, a 4xx, a refused login) is retried with
capped exponential backoff for `retry_period_hours` (72 h by default) from the delivery's creation (or
an admin's retry, `POST /associations/{id}/deliveries/retry`), so an
outage of hours fails nothing; only a permanent refusal for this recipient (a 5xx, or no SMTPUTF8 for a
non-ASCII mailbox) fails it at once. Any other failure of one delivery (an address that cannot be written
into an e-mail, a template bug) settles that delivery as failed, with the reason, and never holds up the
others; only an infrastructure failure (the database) leaves the row for the next round. Before sending, the sender decides again
(consent, preferences, quiet hours, address), since things may have changed while the e-mail waited.

The worker wakes on `LISTEN deliveries` (a trigger notifies on insert), when the earliest postponed
delivery falls due, and at least every `poll_interval_seconds`. Time comes from `clock`, so tests can
move it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Literal, Protocol
from uuid import UUID

import asyncpg

from notifications.adapters import deliveries, recipients
from notifications.adapters.deliveries import DueDelivery
from notifications.adapters.smtp import DeliveryError
from notifications.adapters.templates import Templates
from notifications.domain.calendar_attachment import calendar_attachment
from notifications.domain.delivery import Hold, Recipient, Send, Suppress, decide, retry_delay
from notifications.domain.email_message import RenderedEmail, UnsendableAddress, compose
from notifications.domain.links import Links
from notifications.domain.rendering import Reader, template_context
from notifications.domain.unsubscribe import sign
from notifications.service_layer.notify import display_name
from notifications.settings import SenderSettings
from shared.db.notified_worker import NotifiedWorker
from shared.dependencies import Clock, utc_now
from shared.failures import is_infrastructure

log = logging.getLogger(__name__)

CHANNEL = "deliveries"


class Mailer(Protocol):
    async def send(self, message: EmailMessage) -> None: ...

    async def close(self) -> None: ...


class EmailSender(NotifiedWorker):
    """The background worker (`start`/`stop`); `run_once` sends what is due now, in the caller's task."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        mailer_factory: Callable[[], Mailer],
        templates: Templates,
        links: Links,
        *,
        sender_address: str,
        unsubscribe_secret: str,
        settings: SenderSettings,
        clock: Clock = utc_now,
    ) -> None:
        super().__init__(pool, channel=CHANNEL, name="email-sender", max_backoff=settings.poll_interval_seconds)
        self.mailer_factory = mailer_factory
        self.templates = templates
        self.links = links
        self.sender_address = sender_address
        self.secret = unsubscribe_secret
        self.settings = settings
        self.clock = clock
        self.sent = 0

    @property
    def enabled(self) -> bool:
        return self.settings.enabled

    async def run_once(self) -> int:
        """Settle every delivery due now, `concurrency` at a time; how many were settled."""
        counts = await asyncio.gather(*(self._drain() for _ in range(self.settings.concurrency)))
        return sum(counts)

    # -- one delivery ------------------------------------------------------------------------
    async def settle_one(self, mailer: Mailer) -> bool:
        """Claim the most overdue delivery and send, postpone or give it up; False when none is due."""
        now = self.clock()
        async with self.pool.acquire() as conn, conn.transaction():
            due = await deliveries.claim_due(conn, now)
            if due is None:
                return False
            try:
                async with conn.transaction():  # a savepoint: what fails for this delivery is undone alone
                    await self._settle(conn, mailer, due, now)
            except Exception as error:
                if is_infrastructure(error):
                    raise  # the database or the network is the problem, not this e-mail: it waits
                # whatever else went wrong belongs to this one e-mail: settle it, the queue goes on
                log.exception("e-mail could not be handled", extra={"delivery_id": str(due.delivery_id)})
                reason = f"{type(error).__name__}: {error}"[:500]
                await deliveries.settle(conn, due.delivery_id, "failed", reason, due.attempts + 1)
        return True

    async def _settle(self, conn: asyncpg.Connection, mailer: Mailer, due: DueDelivery, now: datetime) -> None:
        """Send, postpone or give up one claimed delivery."""
        if due.expires_at is not None:
            await self._settle_account_mail(conn, mailer, due, now)
            return
        recipient = await recipients.load(conn, due.member_id)
        decision = decide(
            recipient,
            due.category,
            urgent=due.urgent,
            now=now,
            recorded_at=due.created_at,
            policy=self.settings.policy(),
        )
        match decision:
            case Suppress(reason=reason):
                await deliveries.settle(conn, due.delivery_id, "suppressed", reason)
            case Hold(until=until, reason=reason):
                status: Literal["pending", "held"] = "held" if reason == "quiet_hours" else "pending"
                await deliveries.postpone(conn, due.delivery_id, status, until, reason)
            case Send():
                assert recipient is not None and recipient.email
                await self._send(conn, mailer, due, now, lambda: self._message(conn, due, recipient, now))

    async def _settle_account_mail(
        self, conn: asyncpg.Connection, mailer: Mailer, due: DueDelivery, now: datetime
    ) -> None:
        """An account e-mail goes to the address it carries, now, unless its code or link has expired."""
        assert due.expires_at is not None
        if due.expires_at <= now or due.to_address is None:
            await deliveries.settle(conn, due.delivery_id, "suppressed", "expired")
            return
        address = due.to_address

        async def message() -> EmailMessage:
            locale = due.context.get("locale", "en")
            reader = Reader(None, locale, due.context.get("time_zone"), "member")
            rendered = self._render(
                due, locale, template_context(due.template, due.context["data"], reader, self.links, None)
            )
            return compose(
                rendered,
                sender=self.sender_address,
                to=address,
                to_name=None,
                message_id=due.message_id,
                unsubscribe_link=None,
                date=now,
            )

        await self._send(conn, mailer, due, now, message)

    async def _send(
        self,
        conn: asyncpg.Connection,
        mailer: Mailer,
        due: DueDelivery,
        now: datetime,
        message: Callable[[], Awaitable[EmailMessage]],
    ) -> None:
        attempts = due.attempts + 1
        try:
            await mailer.send(await message())
        except DeliveryError as error:
            await self._failed(conn, due, attempts, error, now)
            return
        except UnsendableAddress as error:
            await self._failed(conn, due, attempts, DeliveryError(f"address: {error}", permanent=True), now)
            return
        await deliveries.mark_sent(conn, due.delivery_id, attempts, now)
        self.sent += 1

    async def _failed(
        self, conn: asyncpg.Connection, due: DueDelivery, attempts: int, error: DeliveryError, now: datetime
    ) -> None:
        gave_up = now - due.retrying_since >= self.settings.retry_period
        if error.permanent or gave_up:
            reason = (
                error.reason if error.permanent else f"not taken within {self.settings.retry_period}: {error.reason}"
            )
            log.warning("e-mail failed", extra={"delivery_id": str(due.delivery_id), "reason": reason})
            await deliveries.settle(conn, due.delivery_id, "failed", reason, attempts)
            return
        delay = retry_delay(attempts, self.settings.retry_base, self.settings.retry_max)
        log.info("e-mail not sent; retrying", extra={"delivery_id": str(due.delivery_id), "reason": error.reason})
        await deliveries.postpone(conn, due.delivery_id, "pending", now + delay, error.reason, attempts)

    async def _message(
        self, conn: asyncpg.Connection, due: DueDelivery, recipient: Recipient, now: datetime
    ) -> EmailMessage:
        assert recipient.email is not None
        peer = due.context.get("peer_id")
        peer_name = await display_name(conn, UUID(peer) if peer else None)
        reader = Reader(
            recipient.display_name, recipient.locale, recipient.time_zone, due.context.get("role", "member"), peer_name
        )
        unsubscribe = self.links.unsubscribe(sign(recipient.member_id, due.category, self.secret))
        context = template_context(due.template, due.context["data"], reader, self.links, unsubscribe)
        rendered = self._render(due, recipient.locale, context)
        calendar = calendar_attachment(due.template, due.context["data"], now)
        return compose(
            rendered,
            sender=self.sender_address,
            to=recipient.email,
            to_name=recipient.display_name,
            message_id=due.message_id,
            unsubscribe_link=unsubscribe,
            date=now,
            attachments=[calendar] if calendar else [],
        )

    def _render(self, due: DueDelivery, locale: str, context: dict[str, Any]) -> RenderedEmail:
        try:
            return self.templates.render(due.template, locale, context)
        except Exception as error:  # a template bug must not stop the queue; a fixed template sends it later
            log.exception("e-mail template failed", extra={"delivery_id": str(due.delivery_id)})
            raise DeliveryError(f"template {due.template}: {error!r}", permanent=False) from error

    # -- the loop ----------------------------------------------------------------------------
    async def _drain(self) -> int:
        mailer = self.mailer_factory()
        settled = 0
        try:
            while not self.stopping and await self.settle_one(mailer):
                settled += 1
        finally:
            await mailer.close()
        return settled

    async def work(self, listener: asyncpg.Connection) -> float:
        await self.run_once()
        return await self._idle_time(listener)

    async def _idle_time(self, conn: asyncpg.Connection) -> float:
        """Until the earliest postponed delivery falls due, at most the poll interval."""
        poll = self.settings.poll_interval_seconds
        next_due = await deliveries.next_due_at(conn)
        if next_due is None:
            return poll
        # never below a floor: a due row another replica holds must not make this loop spin
        return max(0.05, min(poll, (next_due - self.clock()) / timedelta(seconds=1)))
