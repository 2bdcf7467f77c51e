"""HTTP: an association admin erases one of their members (a person may also ask their association to do it)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_204_NO_CONTENT

from membership.entrypoints.http.dependencies import Caller
from membership.service_layer import data_rights
from shared.web.app import BEARER
from shared.web.dependencies import Pool


class MemberErasureController(Controller):
    path = "/associations/{association_id:uuid}/members/{member_id:uuid}"
    tags = ["members"]
    security = [{BEARER: []}]

    @post("/erase", operation_id="erase_member", status_code=HTTP_204_NO_CONTENT)
    async def erase(self, association_id: FromPath[UUID], member_id: FromPath[UUID], pool: Pool, actor: Caller) -> None:
        """Erase a member of your association and everything about them, for good (admins only)."""
        await data_rights.erase_member(pool, actor, association_id, member_id)
