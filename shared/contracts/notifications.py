"""Payloads owned by notifications, on `notifications.preference.v1` keyed by the member: a person's quiet
hours, which events reads so that a place it offers never has to be answered inside them. Times of day only,
read in the person's own time zone (membership's profile): nothing about anyone's health or contact.
"""

from __future__ import annotations

from datetime import time
from typing import ClassVar
from uuid import UUID

from pydantic import Field, model_validator

from shared.contracts.envelope import MessageData
from shared.contracts.topics import Topic


class QuietHoursChanged(MessageData):
    """The person set quiet hours (`starts_at` to `ends_at`, over midnight when it ends earlier), or turned them
    off (both absent)."""

    topic: ClassVar[Topic] = Topic.PREFERENCE
    event_type: ClassVar[str] = "preference.quiet_hours_changed"
    event_version: ClassVar[int] = 1
    member_id: UUID
    starts_at: time | None = Field(default=None, description="local time of day, in the person's time zone")
    ends_at: time | None = Field(default=None, description="local time of day, in the person's time zone")

    @model_validator(mode="after")
    def _both_or_neither(self) -> QuietHoursChanged:
        if (self.starts_at is None) != (self.ends_at is None):
            raise ValueError("quiet hours have a start and an end, or neither (turned off)")
        return self

    def subject(self) -> str:
        return str(self.member_id)
