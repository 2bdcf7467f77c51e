"""An e-mail as it leaves: text and HTML parts, a stable Message-ID, one-click unsubscribe headers, and any
attached file (a calendar entry)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from uuid import UUID

MESSAGE_ID_DOMAIN = "fellowship"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    preview: str  # the first line mail clients show, and the in-app inbox entry's body
    text: str
    html: str


@dataclass(frozen=True)
class Attachment:
    filename: str
    maintype: str
    subtype: str
    content: bytes
    params: dict[str, str] = field(default_factory=dict)  # e.g. {"method": "PUBLISH"} for text/calendar


def message_id_for(delivery_id: UUID) -> str:
    """The delivery's Message-ID: the same on every attempt, so mail systems can drop a resent copy."""
    return f"<{delivery_id}@{MESSAGE_ID_DOMAIN}>"


def compose(
    rendered: RenderedEmail,
    *,
    sender: str,
    to: str,
    to_name: str | None,
    message_id: str,
    unsubscribe_link: str | None,
    date: datetime,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """The MIME message (multipart/alternative, inside multipart/mixed with `attachments`), with List-Unsubscribe
    and List-Unsubscribe-Post (RFC 8058) unless it is an account e-mail (`unsubscribe_link` None: a code or link
    the person asked for)."""
    message = EmailMessage()
    message["Subject"] = _one_line(rendered.subject)
    message["From"] = sender
    message["To"] = recipient_address(to, to_name)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    if unsubscribe_link is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe_link}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    for attached in attachments:
        message.add_attachment(
            attached.content,
            maintype=attached.maintype,
            subtype=attached.subtype,
            filename=attached.filename,
            params=attached.params,
        )
    return message


class UnsendableAddress(ValueError):
    """The address cannot be written into an e-mail at all (no mailbox or domain, or a bad domain)."""


def recipient_address(address: str, name: str | None) -> Address:
    """The To address: the domain in IDNA (ASCII) form, so only a non-ASCII mailbox name needs the server's
    SMTPUTF8; the display name is encoded as the headers' policy requires."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain:
        raise UnsendableAddress(f"{address!r} is not an e-mail address")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise UnsendableAddress(f"the domain of {address!r} cannot be written in IDNA: {error}") from error
    return Address(display_name=_one_line(name or ""), username=local, domain=ascii_domain)


def _one_line(value: str) -> str:
    return " ".join(value.split())
