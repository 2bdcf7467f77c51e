"""Where the gateway finds the services behind it."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class UpstreamSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    membership_url: str = "http://127.0.0.1:8001"
    events_url: str = "http://127.0.0.1:8002"
    matching_url: str = "http://127.0.0.1:8003"
    notifications_url: str = "http://127.0.0.1:8004"

    def by_name(self) -> dict[str, str]:
        return {
            "membership": self.membership_url,
            "events": self.events_url,
            "matching": self.matching_url,
            "notifications": self.notifications_url,
        }
