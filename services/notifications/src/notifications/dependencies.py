"""What notifications' handlers and subscribers receive, built once by `bootstrap`."""

from __future__ import annotations

from dataclasses import dataclass

from notifications.adapters.inbox_listener import InboxListener
from notifications.domain.unsubscribe import Secret
from notifications.service_layer.notify import Notifier
from notifications.service_layer.sender import EmailSender
from shared.dependencies import Dependencies


@dataclass(kw_only=True)
class NotificationsDependencies(Dependencies):
    notifier: Notifier  # what consumers record with
    inbox_listener: InboxListener  # wakes open inbox streams
    unsubscribe_secret: Secret
    sender: EmailSender
