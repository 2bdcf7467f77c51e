"""Sending e-mail through an SMTP server (aiosmtplib): STARTTLS or TLS, optional login.

One connection is kept while a burst of e-mails goes out and closed after it; after any error the
connection is dropped, so the next e-mail starts on a fresh one.
"""

from __future__ import annotations

import email.policy
import re
from email.message import EmailMessage

import aiosmtplib
from aiosmtplib.email import extract_recipients, extract_sender
from aiosmtplib.errors import (
    SMTPDataError,
    SMTPException,
    SMTPNotSupported,
    SMTPRecipientRefused,
    SMTPRecipientsRefused,
)

from notifications.settings import SmtpSettings


class DeliveryError(Exception):
    """The server did not take the e-mail. `permanent`: it refused it for this recipient (5xx) or cannot take
    it at all (no SMTPUTF8 for a non-ASCII address); trying again will not help. Otherwise (unreachable,
    timeouts, 4xx, a refused login) the server may take it later."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        reason = without_addresses(reason)  # kept as the delivery's status and logged: no one's address in it
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


def without_addresses(text: str) -> str:
    """`text` with every e-mail address in it (servers quote the refused mailbox) replaced by `<address>`."""
    return _ADDRESS.sub("<address>", text)


class SmtpMailer:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._client: aiosmtplib.SMTP | None = None

    async def send(self, message: EmailMessage) -> None:
        """Hand `message` to the server; raises DeliveryError when it did not accept it."""
        try:
            client = await self._connected()
            await _send(client, message)
        except SMTPRecipientsRefused as error:
            await self.close()
            first = error.recipients[0]
            raise DeliveryError(
                f"recipient refused: {first.code} {first.message}", permanent=_refusal(first.code)
            ) from error
        except SMTPNotSupported as error:  # e.g. a non-ASCII mailbox name and a server without SMTPUTF8
            await self.close()
            raise DeliveryError(f"the SMTP server cannot take this e-mail: {error}", permanent=True) from error
        except (SMTPRecipientRefused, SMTPDataError) as error:
            # Refusals of this one e-mail; a refused login or sender is the whole server's set-up: retried.
            await self.close()
            raise DeliveryError(f"refused: {error.code} {error.message}", permanent=_refusal(error.code)) from error
        except (SMTPException, OSError, TimeoutError) as error:
            await self.close()
            raise DeliveryError(f"{type(error).__name__}: {error}", permanent=False) from error

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit()
        except (SMTPException, OSError, TimeoutError):
            client.close()

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            use_tls=s.tls,
            start_tls=False if s.tls else s.starttls,
            username=s.username,
            password=None if s.password is None else s.password.get_secret_value(),
            timeout=s.timeout_seconds,
        )
        await client.connect()
        self._client = client
        return client


# RFC 5322's hard line limit: headers such as List-Unsubscribe (RFC 2369/8058: `<https://…>`) are folded only
# past it, never turned into encoded words as the default 78-character folding does to a long URL.
_LINE_LIMIT = 998


async def _send(client: aiosmtplib.SMTP, message: EmailMessage) -> None:
    """What `send_message` does, with our line limit: SMTPUTF8 when an address needs it (and the server
    offers it), 8BITMIME when offered."""
    sender, recipients = extract_sender(message), extract_recipients(message)
    if sender is None or not recipients:
        raise ValueError("the message has no From or no To")
    utf8 = not (sender + "".join(recipients)).isascii()
    if client.is_ehlo_or_helo_needed:
        await client.ehlo()
    if utf8 and not client.supports_extension("smtputf8"):
        raise SMTPNotSupported("an address has non-ASCII characters and this server does not offer SMTPUTF8")
    options = ["SMTPUTF8"] if utf8 else []
    eight_bit = client.supports_extension("8BITMIME")
    if eight_bit:
        options.append("BODY=8BITMIME")
    policy = (email.policy.SMTPUTF8 if utf8 else email.policy.SMTP).clone(
        max_line_length=_LINE_LIMIT, cte_type="8bit" if eight_bit else "7bit"
    )
    await client.sendmail(sender, recipients, message.as_bytes(policy=policy), mail_options=options)


def _refusal(code: int) -> bool:
    return 500 <= code < 600
