"""Peer mentors: an experienced member applies per association; an admin approves or rejects; a mentor can
pause, resume and change capacity. A mentor mentors only for conditions they live with themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from membership.domain.conditions import Icd10
from shared.contracts.membership import Modality

MentorStatus = Literal["applied", "approved", "rejected"]
Capacity = Annotated[int, Field(ge=1, le=5, description="how many mentees at once (1-5)")]


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("list each value once")
    return values


class MentorApplication(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    conditions: Annotated[list[Icd10], Field(min_length=1, max_length=10), AfterValidator(_unique)]
    capacity: Capacity = 1
    modalities: Annotated[list[Modality], Field(min_length=1), AfterValidator(_unique)]
    bio: str = Field(default="", max_length=1000)


class MentorProfile(MentorApplication):
    member_id: UUID
    association_id: UUID
    status: MentorStatus
    paused: bool
    applied_at: datetime
    decided_at: datetime | None = None
    decision_note: str | None = None

    @property
    def active(self) -> bool:
        return self.status == "approved" and not self.paused
