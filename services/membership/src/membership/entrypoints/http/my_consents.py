"""HTTP: the caller's consents: the current state of each kind and the versioned ledger of changes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from membership.domain.consents import ConsentRecord
from membership.entrypoints.http.dependencies import Caller
from membership.service_layer import consents
from shared.contracts.membership import ConsentKind
from shared.web.app import BEARER
from shared.web.dependencies import Pool


class ConsentBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ConsentKind
    granted: bool
    version: Annotated[str, StringConstraints(min_length=1, max_length=20)] = Field(
        description="the version of the wording the person was shown", examples=["2026-01"]
    )


class ConsentRead(BaseModel):
    kind: ConsentKind
    granted: bool
    version: str
    recorded_at: datetime

    @classmethod
    def of(cls, record: ConsentRecord) -> ConsentRead:
        return cls(kind=record.kind, granted=record.granted, version=record.version, recorded_at=record.recorded_at)


class ConsentStateRead(BaseModel):
    kind: ConsentKind
    granted: bool
    version: str | None = Field(description="the version last answered; null when never asked")
    recorded_at: datetime | None
    current_version: str
    needs_answer: bool = Field(description="never answered, or answered for an older wording")

    @classmethod
    def of(cls, state: consents.ConsentState) -> ConsentStateRead:
        latest = state.latest
        return cls(
            kind=state.kind,
            granted=latest is not None and latest.granted,
            version=latest.version if latest else None,
            recorded_at=latest.recorded_at if latest else None,
            current_version=state.current_version,
            needs_answer=latest is None or latest.version != state.current_version,
        )


class ConsentsRead(BaseModel):
    consents: list[ConsentStateRead]
    history: list[ConsentRead] = Field(description="every choice recorded, oldest first")


class MyConsentsController(Controller):
    path = "/me/consents"
    tags = ["me"]
    security = [{BEARER: []}]

    @get("/", operation_id="get_my_consents")
    async def current(self, pool: Pool, actor: Caller) -> ConsentsRead:
        """The current state of every kind of consent, and every choice you recorded."""
        found = await consents.my_consents(pool, actor)
        return ConsentsRead(
            consents=[ConsentStateRead.of(state) for state in found.states],
            history=[ConsentRead.of(record) for record in found.history],
        )

    @post(
        "/",
        operation_id="record_my_consent",
        responses={HTTP_200_OK: ResponseSpec(ConsentRead, description="already in that state: nothing recorded")},
    )
    async def record(self, data: JSONBody[ConsentBody], pool: Pool, actor: Caller) -> Response[ConsentRead]:
        """Give or withdraw a consent for its current wording; 201 when recorded, 200 when it was already so."""
        recorded = await consents.record_consent(pool, actor, data.kind, data.granted, data.version)
        status = HTTP_201_CREATED if recorded.changed else HTTP_200_OK
        return Response(ConsentRead.of(recorded.record), status_code=status)
