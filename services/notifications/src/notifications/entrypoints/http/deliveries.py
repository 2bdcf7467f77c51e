"""HTTP: an association admin's view of e-mail delivery status: statuses and reasons, never content."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, Field

from notifications.adapters import delivery_status
from notifications.adapters.delivery_status import DeliveryStatus
from notifications.domain.categories import Category
from notifications.service_layer import delivery_admin
from shared.dependencies import utc_now
from shared.web.app import BEARER
from shared.web.dependencies import Caller, Me, Pool


class DeliveryRead(BaseModel):
    delivery_id: UUID
    member_id: UUID
    template: str
    category: Category
    status: DeliveryStatus
    status_reason: str | None = Field(description="why it waits or was not sent, e.g. quiet_hours, preference_off")
    attempts: int
    created_at: datetime
    sent_at: datetime | None


class RetriedRead(BaseModel):
    association_id: UUID
    retried: int = Field(description="failed deliveries waiting to be sent again")


class DeliveriesRead(BaseModel):
    association_id: UUID
    counts: dict[DeliveryStatus, int] = Field(description="all of the association's deliveries by status")
    page: int
    page_size: int
    total: int = Field(description="deliveries matching the status filter")
    deliveries: list[DeliveryRead] = Field(description="newest first")


class DeliveryStatusController(Controller):
    path = "/associations/{association_id:uuid}/deliveries"
    tags = ["delivery status"]
    security = [{BEARER: []}]

    @get("/", operation_id="list_association_deliveries")
    async def deliveries(
        self,
        association_id: FromPath[UUID],
        pool: Pool,
        caller: Caller,
        status: FromQuery[DeliveryStatus | None] = None,
        page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> DeliveriesRead:
        """The association's e-mail deliveries, newest first (of one status when given), with counts per status.
        Only status is shown: never an address or what was written."""
        caller.require_role(association_id, "admin", to="see its e-mail deliveries")
        found = await delivery_status.association_deliveries(
            pool, association_id, status, (page - 1) * page_size, page_size
        )
        return DeliveriesRead(
            association_id=association_id,
            counts=found.counts,
            page=page,
            page_size=page_size,
            total=found.counts[status] if status else sum(found.counts.values()),
            deliveries=[DeliveryRead(**asdict(delivery)) for delivery in found.deliveries],
        )

    @post("/retry", operation_id="retry_failed_deliveries", status_code=HTTP_200_OK)
    async def retry(self, association_id: FromPath[UUID], pool: Pool, caller: Caller, me: Me) -> RetriedRead:
        """Send every failed e-mail of the association again (the sender tries each anew for its retry
        period). Recorded with who asked; answers how many wait again."""
        caller.require_role(association_id, "admin", to="retry its e-mail deliveries")
        retried = await delivery_admin.retry_failed(pool, me, association_id, utc_now())
        return RetriedRead(association_id=association_id, retried=retried)
