"""HTTP: a member asks for a mentor, follows their requests and cancels one."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, ConfigDict, Field, model_validator

from matching.domain.model import AgeBand, Preferences
from matching.domain.workflow import RequestRecord, RequestStatus
from matching.service_layer import workflow
from shared.contracts.membership import Gender, Modality
from shared.web.app import BEARER
from shared.web.dependencies import Caller, Pool


class AgeBandChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    youngest: int = Field(ge=0, le=120)
    oldest: int = Field(ge=0, le=120)

    @model_validator(mode="after")
    def _ordered(self) -> AgeBandChoice:
        if self.youngest > self.oldest:
            raise ValueError("youngest must not be greater than oldest")
        return self


class PreferenceChoice(BaseModel):
    """Wishes that weigh in the score; `caregiver_for_caregiver` False lets a caregiver be matched with a
    patient mentor too."""

    model_config = ConfigDict(extra="forbid")

    gender: Gender | None = None
    age_band: AgeBandChoice | None = None
    modality: Modality | None = None
    caregiver_for_caregiver: bool = True

    def to_domain(self) -> Preferences:
        band = None if self.age_band is None else AgeBand(self.age_band.youngest, self.age_band.oldest)
        return Preferences(self.gender, band, self.modality, self.caregiver_for_caregiver)


class NewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    association_id: UUID
    preferences: PreferenceChoice = Field(default_factory=PreferenceChoice)


class PreferencesRead(PreferenceChoice):
    model_config = ConfigDict(extra="ignore")


class RequestRead(BaseModel):
    request_id: UUID
    association_id: UUID
    status: RequestStatus
    preferences: PreferencesRead
    created_at: datetime
    updated_at: datetime
    unmatched_reason: str | None = Field(description="while open: why no mentor could be proposed yet")
    estimated_wait_days: int | None = Field(description="while open: a rough estimate from recent history")
    closed_reason: str | None

    @classmethod
    def of(cls, request: RequestRecord) -> RequestRead:
        waiting = request.status == "open"
        return cls(
            request_id=request.request_id,
            association_id=request.association_id,
            status=request.status,
            preferences=PreferencesRead.model_validate(request.preferences),
            created_at=request.created_at,
            updated_at=request.updated_at,
            unmatched_reason=request.unmatched_reason if waiting else None,
            estimated_wait_days=request.estimated_wait_days if waiting else None,
            closed_reason=request.closed_reason,
        )


class RequestController(Controller):
    path = "/"
    tags = ["requests"]
    security = [{BEARER: []}]

    @post("/requests", operation_id="create_request")
    async def create(self, data: JSONBody[NewRequest], pool: Pool, caller: Caller) -> RequestRead:
        """Ask for a mentor in one of your associations; the matcher proposes one as soon as it can."""
        return RequestRead.of(
            await workflow.create_request(pool, caller, data.association_id, data.preferences.to_domain())
        )

    @get("/me/requests", operation_id="list_my_requests")
    async def mine(self, pool: Pool, caller: Caller) -> list[RequestRead]:
        """Your requests, newest first; an open one says why it has no mentor yet and how long it may wait."""
        return [RequestRead.of(request) for request in await workflow.my_requests(pool, caller)]

    @post("/requests/{request_id:uuid}/cancel", operation_id="cancel_request", status_code=HTTP_200_OK)
    async def cancel(self, request_id: FromPath[UUID], pool: Pool, caller: Caller) -> RequestRead:
        """Cancel your open or proposed request; a proposal waiting for the mentor is withdrawn."""
        return RequestRead.of(await workflow.cancel_request(pool, caller, request_id))
