"""HTTP: the caller's own health data (conditions, weekly availability, free-text notes), under the
`health_data` consent; every read and change is audited."""

from __future__ import annotations

from litestar import Controller, get, put
from litestar.params import JSONBody
from pydantic import BaseModel, ConfigDict, Field

from membership.domain.availability import Window, WindowList
from membership.domain.conditions import ConditionList, MemberCondition
from membership.entrypoints.http.dependencies import Caller
from membership.service_layer import health_data, profile
from membership.service_layer.profile import WeeklyAvailability
from shared.web.app import BEARER
from shared.web.dependencies import Pool

MAX_HEALTH_NOTES = 4000


class ConditionsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conditions: ConditionList


class ConditionsRead(BaseModel):
    conditions: list[MemberCondition]


class AvailabilityBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    windows: WindowList


class AvailabilityRead(BaseModel):
    time_zone: str = Field(description="the windows are in this time zone, the member's own")
    windows: list[Window]

    @classmethod
    def of(cls, weekly: WeeklyAvailability) -> AvailabilityRead:
        return cls(time_zone=weekly.time_zone, windows=weekly.windows)


class HealthNotes(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    notes: str | None = Field(max_length=MAX_HEALTH_NOTES, description="free text, only for you; null clears it")


class MyConditionsController(Controller):
    path = "/me/conditions"
    tags = ["me"]
    security = [{BEARER: []}]

    @get("/", operation_id="get_my_conditions")
    async def conditions(self, pool: Pool, actor: Caller) -> ConditionsRead:
        """Your conditions (ICD-10) with their year of diagnosis."""
        return ConditionsRead(conditions=await health_data.my_conditions(pool, actor))

    @put("/", operation_id="replace_my_conditions")
    async def replace(self, data: JSONBody[ConditionsBody], pool: Pool, actor: Caller) -> ConditionsRead:
        """Replace your conditions; recording any needs your 'health_data' consent."""
        return ConditionsRead(conditions=await health_data.replace_conditions(pool, actor, data.conditions))


class MyAvailabilityController(Controller):
    path = "/me/availability"
    tags = ["me"]
    security = [{BEARER: []}]

    @get("/", operation_id="get_my_availability")
    async def availability(self, pool: Pool, actor: Caller) -> AvailabilityRead:
        """Your weekly windows, in your own time zone."""
        return AvailabilityRead.of(await profile.my_availability(pool, actor))

    @put("/", operation_id="replace_my_availability")
    async def replace(self, data: JSONBody[AvailabilityBody], pool: Pool, actor: Caller) -> AvailabilityRead:
        """Replace your weekly windows (local times in your time zone; no overlaps)."""
        return AvailabilityRead.of(await profile.replace_availability(pool, actor, data.windows))


class MyHealthNotesController(Controller):
    path = "/me/health-notes"
    tags = ["me"]
    security = [{BEARER: []}]

    @get("/", operation_id="get_my_health_notes")
    async def notes(self, pool: Pool, actor: Caller) -> HealthNotes:
        """Your private health notes; no one else sees them and they never leave this service."""
        return HealthNotes(notes=await health_data.my_health_notes(pool, actor))

    @put("/", operation_id="replace_my_health_notes")
    async def replace(self, data: JSONBody[HealthNotes], pool: Pool, actor: Caller) -> HealthNotes:
        """Replace your health notes (keeping any needs your 'health_data' consent); null clears them."""
        return HealthNotes(notes=await health_data.replace_health_notes(pool, actor, data.notes or None))
