"""The composition root of notifications: settings, pool, consumers, HTTP routes, the e-mail sender, relay."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from faststream.kafka import KafkaBroker

from notifications.adapters import unsubscribe_secret
from notifications.adapters.inbox_listener import InboxListener
from notifications.adapters.smtp import SmtpMailer
from notifications.adapters.templates import Templates
from notifications.entrypoints.consumers import register
from notifications.entrypoints.http import ROUTES
from notifications.entrypoints.http.dependencies import DEPENDENCIES
from notifications.service_layer.notify import Clock, Notifier, utc_now
from notifications.service_layer.sender import EmailSender
from notifications.settings import NotificationsSettings, SenderSettings, SmtpSettings
from shared.messaging import KafkaSettings
from shared.service import Service, ServiceSettings, build_service
from shared.web.auth import JwtSettings, JwtValidator
from shared.web.server import ON_HTTP_STOP

NAME = "notifications"
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@dataclass
class NotificationsServiceSettings(ServiceSettings):
    jwt: JwtSettings = field(default_factory=JwtSettings)
    notifications: NotificationsSettings = field(default_factory=NotificationsSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    sender: SenderSettings = field(default_factory=SenderSettings)


async def bootstrap(settings: NotificationsServiceSettings, *, clock: Clock = utc_now) -> Service:
    """The service; `clock` is the time the consumers and the sender read (tests move it)."""
    templates = Templates()
    links = settings.notifications.links()
    notifier = Notifier(templates, links, settings.sender.policy(), clock)

    def subscribers(broker: KafkaBroker, pool: asyncpg.Pool, kafka: KafkaSettings) -> None:
        register(broker, pool, kafka, notifier)

    service = await build_service(
        NAME, settings, route_handlers=ROUTES, register_subscribers=subscribers, dependencies=DEPENDENCIES
    )
    configured = settings.notifications.unsubscribe_secret
    secret = await unsubscribe_secret.load_or_create(
        service.pool, None if configured is None else configured.get_secret_value()
    )
    listener = InboxListener(service.pool)
    sender = EmailSender(
        service.pool,
        lambda: SmtpMailer(settings.smtp),
        templates,
        links,
        sender_address=settings.smtp.from_address,
        unsubscribe_secret=secret,
        settings=settings.sender,
        clock=clock,
    )
    service.app.state.update(
        {
            "jwt_validator": JwtValidator(settings.jwt),
            "inbox_listener": listener,
            "unsubscribe_secret": secret,
            ON_HTTP_STOP: [listener.close],
        }
    )
    service.workers.background.extend([listener, sender])
    return service
