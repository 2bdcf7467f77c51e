"""HTTP: an association admin removes a member from the association; the federation's data-protection
officer erases a person who asked them to, with a reason. Erasing oneself is `DELETE /me`."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT
from pydantic import BaseModel, ConfigDict, Field

from membership.entrypoints.http.dependencies import Caller
from membership.service_layer import data_rights, memberships
from shared.web.app import BEARER
from shared.web.dependencies import Pool


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(
        min_length=10, max_length=1000, pattern=r"^[^\x00]*$", description="why, e.g. the person's request and its date"
    )


class MemberRemovalController(Controller):
    path = "/associations/{association_id:uuid}/members/{member_id:uuid}"
    tags = ["members"]
    security = [{BEARER: []}]

    @post("/remove", operation_id="remove_member", status_code=HTTP_204_NO_CONTENT)
    async def remove(
        self, association_id: FromPath[UUID], member_id: FromPath[UUID], pool: Pool, actor: Caller
    ) -> None:
        """Remove a member from your association (admins only; audited). They keep their account and their
        other associations; the last admin cannot be removed."""
        await memberships.remove(pool, actor, association_id, member_id)


class PersonErasureController(Controller):
    path = "/members/{member_id:uuid}"
    tags = ["data rights"]
    security = [{BEARER: []}]

    @post("/erase", operation_id="erase_person", status_code=HTTP_204_NO_CONTENT)
    async def erase(self, member_id: FromPath[UUID], data: JSONBody[ErasureRequest], pool: Pool, actor: Caller) -> None:
        """Erase a person and everything about them, for good, on their request (the federation's
        data-protection officer only; the reason is kept in the audit trail)."""
        await data_rights.erase_person(pool, actor, member_id, data.reason)
