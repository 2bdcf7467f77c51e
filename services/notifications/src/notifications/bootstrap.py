"""The composition root of notifications: settings, pool, consumers, HTTP routes, the e-mail sender, relay."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from notifications.adapters import unsubscribe_secret
from notifications.adapters.inbox_listener import InboxListener
from notifications.adapters.smtp import SmtpMailer
from notifications.adapters.templates import Templates
from notifications.dependencies import NotificationsDependencies
from notifications.entrypoints.consumers import register
from notifications.entrypoints.http import ROUTES
from notifications.entrypoints.http.dependencies import DEPENDENCIES
from notifications.service_layer.notify import Notifier
from notifications.service_layer.sender import EmailSender, Mailer
from notifications.settings import NotificationsSettings, SenderSettings, SmtpSettings
from shared.contracts import Topic
from shared.dependencies import Clock, utc_now
from shared.sealing import Sealer
from shared.service import Service, ServiceSettings, ServiceSpec, build_service, open_pool
from shared.web.auth import JwtValidator

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SPEC = ServiceSpec(
    name="notifications",
    migrations=MIGRATIONS,
    route_handlers=ROUTES,
    dependencies=DEPENDENCIES,
    subscribers=register,
    publishes=[Topic.PREFERENCE],
    description="Tells people what happened: e-mail over SMTP and an in-app inbox, with preferences.",
)
NAME = SPEC.name


@dataclass
class NotificationsServiceSettings(ServiceSettings):
    notifications: NotificationsSettings = field(default_factory=NotificationsSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    sender: SenderSettings = field(default_factory=SenderSettings)


async def bootstrap(
    settings: NotificationsServiceSettings,
    *,
    jwt_validator: JwtValidator | None = None,
    clock: Clock = utc_now,
    mailer: Callable[[], Mailer] | None = None,
) -> Service[NotificationsDependencies]:
    """The service. Overrides for tests: `jwt_validator` (tokens they sign), `clock` (the time consumers and
    the sender read) and `mailer` (how the sender reaches SMTP)."""
    pool = await open_pool(settings, SPEC)
    templates = Templates()
    links = settings.notifications.links()
    configured = settings.notifications.unsubscribe_secret
    sealing = settings.notifications.secret_encryption_key
    sealer = Sealer(
        None if sealing is None else sealing.get_secret_value(), setting="NOTIFICATIONS_SECRET_ENCRYPTION_KEY"
    )
    secret = await unsubscribe_secret.load_or_create(
        pool, None if configured is None else configured.get_secret_value(), sealer
    )
    listener = InboxListener(pool)
    sender = EmailSender(
        pool,
        mailer or (lambda: SmtpMailer(settings.smtp)),
        templates,
        links,
        sender_address=settings.smtp.from_address,
        unsubscribe_secret=secret,
        settings=settings.sender,
        clock=clock,
    )
    dependencies = NotificationsDependencies(
        pool=pool,
        jwt_validator=jwt_validator or JwtValidator(settings.jwt),
        clock=clock,
        notifier=Notifier(templates, links, settings.sender.policy(), clock),
        inbox_listener=listener,
        unsubscribe_secret=secret,
        sender=sender,
    )
    return build_service(SPEC, settings, dependencies, background=[listener, sender], on_http_stop=[listener.close])
