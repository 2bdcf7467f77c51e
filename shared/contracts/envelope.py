"""The message envelope every integration event travels in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from shared.contracts.topics import Topic


class MessageData(BaseModel):
    """Base of every payload model. Subclasses name their type, version and topic explicitly."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    event_version: ClassVar[int]
    topic: ClassVar[Topic]
    # Personal and health fields: sealed under the person's key on the wire (`shared.protection`).
    protected: ClassVar[frozenset[str]] = frozenset()

    def subject(self) -> str:
        """The aggregate id: the envelope's subject and the Kafka key."""
        raise NotImplementedError

    def association(self) -> UUID | None:
        """The tenant the fact belongs to; None only for federation-wide facts."""
        return getattr(self, "association_id", None)


class Envelope(BaseModel):
    """Frozen; unknown fields are ignored on read so producers can add fields without breaking readers."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: UUID
    event_type: str = Field(min_length=1)
    event_version: int = Field(ge=1)
    source: str = Field(min_length=1)
    occurred_at: AwareDatetime
    subject: str = Field(min_length=1)
    association_id: UUID | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    data: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    def headers(self) -> dict[str, str]:
        """Kafka headers: the dedupe key and type are readable without decoding the body."""
        headers = {"event_id": str(self.event_id), "event_type": self.event_type, "content-type": "application/json"}
        if self.correlation_id:
            headers["correlation_id"] = self.correlation_id
        return headers

    def payload(self, model: type[MessageData]) -> MessageData:
        """The typed payload; raises pydantic.ValidationError when it does not match the model."""
        return model.model_validate(self.data)


def new_envelope(
    data: MessageData,
    *,
    source: str | None = None,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    occurred_at: datetime | None = None,
) -> Envelope:
    """Wrap a payload in a fresh envelope (new event_id, now in UTC); the source defaults to the topic's owner."""
    return Envelope(
        event_id=uuid4(),
        event_type=data.event_type,
        event_version=data.event_version,
        source=source or data.topic.owner,
        occurred_at=occurred_at or datetime.now(UTC),
        subject=data.subject(),
        association_id=data.association(),
        correlation_id=correlation_id,
        causation_id=causation_id,
        data=data.model_dump(mode="json"),
    )
