"""An e-mail as it leaves: text and HTML parts, a stable Message-ID, one-click unsubscribe headers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from uuid import UUID

MESSAGE_ID_DOMAIN = "fellowship"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    preview: str  # the first line mail clients show, and the in-app inbox entry's body
    text: str
    html: str


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
    unsubscribe_link: str,
    date: datetime,
) -> EmailMessage:
    """The MIME message (multipart/alternative), with List-Unsubscribe and List-Unsubscribe-Post (RFC 8058)."""
    message = EmailMessage()
    message["Subject"] = _one_line(rendered.subject)
    message["From"] = sender
    message["To"] = formataddr((_one_line(to_name or ""), to))
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{unsubscribe_link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def _one_line(value: str) -> str:
    return " ".join(value.split())
