"""HTTP: associations (created by a federation admin, edited by their admins) and joining or leaving one."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT
from pydantic import BaseModel, ConfigDict

from membership.domain.associations import Association, AssociationUpdate, NewAssociation
from membership.entrypoints.http.dependencies import Caller
from membership.entrypoints.http.membership_views import MembershipRead
from membership.service_layer import associations, memberships
from shared.web.app import BEARER
from shared.web.dependencies import Pool


class JoinOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wants_mentor: bool = False


class AssociationController(Controller):
    path = "/associations"
    tags = ["associations"]
    security = [{BEARER: []}]

    @post("/", operation_id="create_association")
    async def create(self, data: JSONBody[NewAssociation], pool: Pool, actor: Caller) -> Association:
        """Create an association (federation admins only); then appoint its first admin."""
        return await associations.create(pool, actor, data)

    @get("/", operation_id="list_associations", security=[])
    async def list_all(self, pool: Pool) -> list[Association]:
        """Every association of the federation with its public settings (public: the web client's home page
        shows them before anyone signs in)."""
        return await associations.list_all(pool)

    @get("/{association_id:uuid}", operation_id="get_association", security=[])
    async def get(self, association_id: FromPath[UUID], pool: Pool) -> Association:
        """One association's public settings (public, like the list)."""
        return await associations.get(pool, association_id)

    @patch("/{association_id:uuid}", operation_id="update_association")
    async def update(
        self, association_id: FromPath[UUID], data: JSONBody[AssociationUpdate], pool: Pool, actor: Caller
    ) -> Association:
        """Change the settings given (admins of the association or federation admins)."""
        return await associations.update(pool, actor, association_id, data)


class MembershipController(Controller):
    path = "/associations/{association_id:uuid}"
    tags = ["memberships"]
    security = [{BEARER: []}]

    @post("/join", operation_id="join_association")
    async def join(
        self, association_id: FromPath[UUID], pool: Pool, actor: Caller, data: JSONBody[JoinOptions | None] = None
    ) -> MembershipRead:
        """Join: active at once, or pending until an admin approves when the association asks for approval.
        Send `{"wants_mentor": true}` to be matched with a peer mentor as soon as you are a member."""
        wants_mentor = data.wants_mentor if data else False
        joined = await memberships.join(pool, actor, association_id, wants_mentor=wants_mentor)
        return MembershipRead.of(joined, actor.today)

    @post("/leave", operation_id="leave_association", status_code=HTTP_204_NO_CONTENT)
    async def leave(self, association_id: FromPath[UUID], pool: Pool, actor: Caller) -> None:
        await memberships.leave(pool, actor, association_id)
