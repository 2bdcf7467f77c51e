"""Matching's own settings, each group from its own environment prefix."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MatcherSettings(BaseSettings):
    """The solver loop: when it runs, how long a proposal waits for an answer, the minimum weekly overlap."""

    model_config = SettingsConfigDict(env_prefix="MATCHER_", extra="ignore")

    enabled: bool = Field(default=True, description="run the solver loop in this process")
    debounce_seconds: float = Field(default=0.3, ge=0, description="wait after a wake-up, so a burst is solved once")
    poll_interval_seconds: float = Field(
        default=5.0, gt=0, description="solve at least this often (expiry, missed wake-ups)"
    )
    proposal_ttl_hours: float = Field(default=72, gt=0)
    min_overlap_minutes: int = Field(default=60, ge=0, description="weekly availability both must share")
    first_slot_horizon_days: int = Field(default=14, ge=1, description="how far ahead to look for a first common slot")
    exclusive: bool = Field(
        default=True,
        description="one process solves at a time (an advisory lock); capacity never depends on it, only efficiency",
    )

    @property
    def proposal_ttl(self) -> timedelta:
        return timedelta(hours=self.proposal_ttl_hours)

    @property
    def first_slot_horizon(self) -> timedelta:
        return timedelta(days=self.first_slot_horizon_days)
