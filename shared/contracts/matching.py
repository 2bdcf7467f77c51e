"""Payloads owned by matching on `matching.match.v1`, keyed by the mentee's member id."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

from shared.contracts.envelope import MessageData
from shared.contracts.topics import Topic


class MatchMessage(MessageData):
    topic: ClassVar[Topic] = Topic.MATCH
    request_id: UUID
    mentee_id: UUID
    association_id: UUID

    def subject(self) -> str:
        return str(self.mentee_id)


class RequestCreated(MatchMessage):
    event_type: ClassVar[str] = "request.created"
    event_version: ClassVar[int] = 1


class MatchProposed(MatchMessage):
    event_type: ClassVar[str] = "match.proposed"
    event_version: ClassVar[int] = 1
    match_id: UUID
    mentor_id: UUID
    score: float
    expires_at: datetime
