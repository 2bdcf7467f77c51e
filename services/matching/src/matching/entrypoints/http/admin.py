"""HTTP: an association admin's view of its matching: the score weights and the statistics."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, get, put
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matching.adapters.stats import Statistics
from matching.domain.scoring import Weights
from matching.service_layer import admin
from shared.errors import InvalidInput
from shared.web.app import BEARER
from shared.web.dependencies import Caller, Pool

# Scores are stored as whole 1/1000 points in a 32-bit integer; this keeps any sum of weights far below it.
MAX_WEIGHT = 1000
Points = Annotated[int, Field(ge=0, le=MAX_WEIGHT, strict=True)]


class WeightsChange(BaseModel):
    """Points each score component is worth at best: whole numbers from 0 to 1000, at least one positive."""

    model_config = ConfigDict(extra="forbid")

    condition: Points
    availability: Points
    preferences: Points
    experience: Points
    waiting: Points

    @model_validator(mode="after")
    def _some_positive(self) -> WeightsChange:
        if not any(self.model_dump().values()):
            raise ValueError("at least one weight must be positive, or every pair would score zero")
        return self

    def to_domain(self) -> Weights:
        return Weights(**self.model_dump())


def parse_weights(body: Any) -> Weights:
    """Validate a weights body; every problem is named in the 422's `extra`."""
    try:
        return WeightsChange.model_validate(body).to_domain()
    except ValidationError as error:
        problems = [
            {"field": ".".join(str(part) for part in problem["loc"]) or "body", "message": problem["msg"]}
            for problem in error.errors(include_url=False, include_context=False, include_input=False)
        ]
        raise InvalidInput(
            f"give all of {', '.join(WeightsChange.model_fields)} as whole numbers from 0 to {MAX_WEIGHT},"
            " at least one positive",
            extra=problems,
        ) from error


class WeightsRead(BaseModel):
    condition: int
    availability: int
    preferences: int
    experience: int
    waiting: int
    is_default: bool = Field(description="true while the association has not chosen its own")

    @classmethod
    def of(cls, weights: Weights, is_default: bool) -> WeightsRead:
        return cls(**asdict(weights), is_default=is_default)


class MentorLoadRead(BaseModel):
    mentor_id: UUID
    load: int = Field(description="proposals waiting for an answer plus active mentorships")
    capacity: int
    paused: bool


class StatisticsRead(BaseModel):
    association_id: UUID
    window_days: int
    open_requests: int
    median_hours_to_proposal: float | None = Field(description="from a request to its first proposal")
    median_hours_to_acceptance: float | None = Field(description="from a proposal to the mentor's acceptance")
    acceptance_rate: float | None = Field(description="accepted / (accepted + declined + expired)")
    unmatched_by_reason: dict[str, int] = Field(description="open requests by the reason they have no mentor")
    mentor_load: list[MentorLoadRead]

    @classmethod
    def of(cls, association_id: UUID, statistics: Statistics) -> StatisticsRead:
        return cls(
            association_id=association_id,
            window_days=admin.STATISTICS_WINDOW.days,
            open_requests=statistics.open_requests,
            median_hours_to_proposal=statistics.median_hours_to_proposal,
            median_hours_to_acceptance=statistics.median_hours_to_acceptance,
            acceptance_rate=statistics.acceptance_rate,
            unmatched_by_reason=statistics.unmatched_by_reason,
            mentor_load=[MentorLoadRead.model_validate(asdict(load)) for load in statistics.mentor_load],
        )


class MatchingAdminController(Controller):
    path = "/associations/{association_id:uuid}"
    tags = ["matching administration"]
    security = [{BEARER: []}]

    @get("/weights", operation_id="get_matching_weights")
    async def weights(self, association_id: FromPath[UUID], pool: Pool, caller: Caller) -> WeightsRead:
        """The points each score component is worth at best for this association's requests."""
        return WeightsRead.of(*await admin.current_weights(pool, caller, association_id))

    @put("/weights", operation_id="set_matching_weights")
    async def set_weights(
        self, association_id: FromPath[UUID], data: JSONBody[dict[str, Any]], pool: Pool, caller: Caller
    ) -> WeightsRead:
        """Replace the weights: condition, availability, preferences, experience and waiting, each a whole
        number from 0 to 1000, at least one positive. Anything else answers 422 naming the problem."""
        return WeightsRead.of(await admin.change_weights(pool, caller, association_id, parse_weights(data)), False)

    @get("/statistics", operation_id="get_matching_statistics")
    async def statistics(self, association_id: FromPath[UUID], pool: Pool, caller: Caller) -> StatisticsRead:
        """Open requests, how fast requests are proposed and accepted (last 90 days), why requests wait,
        and every mentor's load."""
        return StatisticsRead.of(association_id, await admin.statistics(pool, caller, association_id))
