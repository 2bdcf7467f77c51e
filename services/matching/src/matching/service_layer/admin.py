"""Use cases of an association's admin: the score weights its matching uses, and how its matching goes.

Only an admin of the association (a role in the access token) may read or change either.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matching.adapters import stats, weights
from matching.adapters.stats import Statistics
from matching.domain.scoring import Weights
from shared.web.auth import Principal
from shared.web.errors import Forbidden, InvalidInput

STATISTICS_WINDOW = timedelta(days=90)
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


def require_admin(caller: Principal, association_id: UUID) -> None:
    if not caller.has_role(str(association_id), "admin"):
        raise Forbidden("only an admin of this association can see or change its matching")


async def current_weights(pool: asyncpg.Pool, caller: Principal, association_id: UUID) -> tuple[Weights, bool]:
    """The weights in use, and whether they are the defaults."""
    require_admin(caller, association_id)
    async with pool.acquire() as conn:
        stored = await weights.stored_weights(conn, association_id)
    return (Weights(), True) if stored is None else (stored, False)


async def change_weights(pool: asyncpg.Pool, caller: Principal, association_id: UUID, body: Any) -> Weights:
    """Replace the association's weights (all five at once); the next solve uses them."""
    require_admin(caller, association_id)
    chosen = parse_weights(body)
    async with pool.acquire() as conn:
        await weights.store_weights(conn, association_id, chosen)
    return chosen


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


async def statistics(pool: asyncpg.Pool, caller: Principal, association_id: UUID) -> Statistics:
    require_admin(caller, association_id)
    async with pool.acquire() as conn:
        return await stats.statistics(conn, association_id, STATISTICS_WINDOW)
