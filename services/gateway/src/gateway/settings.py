"""The gateway's settings: where the services are, how sessions last, how often people may ask."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.service import ServiceSettings


class UpstreamSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    membership_url: str = "http://127.0.0.1:8001"
    events_url: str = "http://127.0.0.1:8002"
    matching_url: str = "http://127.0.0.1:8003"
    notifications_url: str = "http://127.0.0.1:8004"
    community_url: str = "http://127.0.0.1:8005"
    upstream_timeout_seconds: float = 10.0

    def by_name(self) -> dict[str, str]:
        return {
            "membership": self.membership_url,
            "events": self.events_url,
            "matching": self.matching_url,
            "notifications": self.notifications_url,
            "community": self.community_url,
        }


class WebSettings(BaseSettings):
    """GATEWAY_*: sessions, cookies and the secret CSRF tokens are derived from."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    secret_key: str = Field(
        default="", description="signs CSRF tokens; shared by replicas. Empty: one is made per process (dev only)"
    )
    cookie_secure: bool = Field(
        default=True, description="Secure cookies with the __Host- prefix; false only for plain-HTTP development"
    )
    idle_seconds: int = Field(default=30 * 60, ge=60, description="a session ends after this long unused")
    warning_seconds: int = Field(default=5 * 60, ge=20, description="the timeout warning comes this long before")
    absolute_seconds: int = Field(default=12 * 3600, ge=300, description="a session never lasts longer than this")
    refresh_margin_seconds: int = Field(default=60, ge=5, description="refresh the access token this long before")
    max_streams_per_session: int = Field(default=3, ge=1)


class RateLimitSettings(BaseSettings):
    """RATE_LIMIT_*: requests per minute for each kind of request, per member (or per address before sign-in)."""

    model_config = SettingsConfigDict(env_prefix="RATE_LIMIT_", extra="ignore")

    page: int = Field(default=300, ge=1, description="pages and API calls")
    sign_in: int = Field(default=10, ge=1, description="sign-in, register and code attempts")
    email_link: int = Field(default=5, ge=1, description="requests that send an e-mail (code, reset)")
    posting: int = Field(default=30, ge=1, description="forms that change something")

    def per_minute(self) -> dict[str, int]:
        return {"page": self.page, "sign_in": self.sign_in, "email_link": self.email_link, "posting": self.posting}


@dataclass
class GatewaySettings(ServiceSettings):
    upstreams: UpstreamSettings = field(default_factory=UpstreamSettings)
    web: WebSettings = field(default_factory=WebSettings)
    rate_limits: RateLimitSettings = field(default_factory=RateLimitSettings)
