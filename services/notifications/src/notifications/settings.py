"""Notifications' own settings, each group from its own environment prefix."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from notifications.domain.delivery import EmailPolicy
from notifications.domain.links import Links


class NotificationsSettings(BaseSettings):
    """Where links lead, and the unsubscribe token secret."""

    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore")

    public_url: str = Field(default="http://127.0.0.1:8000", description="the web client links open")
    unsubscribe_url: str = Field(
        default="http://127.0.0.1:8000/unsubscribe",
        description="the one-click unsubscribe link: the web client's page, which passes it to notifications",
    )
    unsubscribe_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key of unsubscribe tokens; unset: generated once and kept in the database",
    )
    secret_encryption_key: SecretStr | None = Field(
        default=None, description="a Fernet key that encrypts the secrets kept in the database (a Kubernetes Secret)"
    )

    def links(self) -> Links:
        return Links(public_url=self.public_url, unsubscribe_url=self.unsubscribe_url)


class SmtpSettings(BaseSettings):
    """The SMTP server e-mail leaves through."""

    model_config = SettingsConfigDict(env_prefix="SMTP_", extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = 1025
    starttls: bool | None = Field(
        default=None, description="true: require STARTTLS; false: never; unset: when the server offers it"
    )
    tls: bool = Field(default=False, description="implicit TLS from the first byte (usually port 465)")
    username: str | None = None
    password: SecretStr | None = None
    from_address: str = Field(default="Fellowship <no-reply@fellowship.local>", validation_alias="SMTP_FROM")
    timeout_seconds: float = Field(default=30.0, gt=0)


class SenderSettings(BaseSettings):
    """The e-mail sender worker: retries, polling, and how long to wait for a new member's address."""

    model_config = SettingsConfigDict(env_prefix="EMAIL_SENDER_", extra="ignore")

    enabled: bool = Field(default=True, description="run the sender in this process")
    retry_period_hours: float = Field(
        default=72.0,
        gt=0,
        description="how long an e-mail the server could not take yet (unreachable, timeouts, 4xx) is retried;"
        " only a permanent 5xx for the recipient fails it sooner",
    )
    retry_base_seconds: float = Field(default=5.0, gt=0, description="first retry delay; doubles each attempt")
    retry_max_seconds: float = Field(default=1800.0, gt=0)
    poll_interval_seconds: float = Field(default=5.0, gt=0, description="look for due e-mails at least this often")
    concurrency: int = Field(default=2, ge=1, description="e-mails sent at the same time by this process")
    contact_grace_minutes: float = Field(
        default=15.0, ge=0, description="how long an e-mail waits for an address that has not arrived yet"
    )

    @property
    def retry_base(self) -> timedelta:
        return timedelta(seconds=self.retry_base_seconds)

    @property
    def retry_max(self) -> timedelta:
        return timedelta(seconds=self.retry_max_seconds)

    @property
    def retry_period(self) -> timedelta:
        return timedelta(hours=self.retry_period_hours)

    def policy(self) -> EmailPolicy:
        return EmailPolicy(contact_grace=timedelta(minutes=self.contact_grace_minutes))
