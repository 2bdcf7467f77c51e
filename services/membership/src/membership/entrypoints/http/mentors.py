"""HTTP: applying to mentor, admins deciding on applications, and mentors pausing, resuming or changing capacity."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK
from pydantic import BaseModel, ConfigDict, Field

from membership.domain.mentors import Capacity, MentorApplication, MentorProfile, MentorStatus
from membership.entrypoints.http.dependencies import Caller
from membership.service_layer import mentors
from shared.web.app import BEARER
from shared.web.dependencies import Pool


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(
        min_length=1, max_length=1000, pattern=r"^[^\x00]*$", description="kept for the association; not sent to anyone"
    )


class CapacityChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    capacity: Capacity


class MentorApplicationRead(MentorProfile):
    """An application as admins see it: health data (conditions), so every listing is audited."""

    display_name: str


class MentoringController(Controller):
    """The mentor's own side."""

    path = "/associations/{association_id:uuid}/mentoring"
    tags = ["mentoring"]
    security = [{BEARER: []}]

    @post("/", operation_id="apply_to_mentor")
    async def apply(
        self, association_id: FromPath[UUID], data: JSONBody[MentorApplication], pool: Pool, actor: Caller
    ) -> MentorProfile:
        """Apply to mentor for conditions recorded in your own profile; an admin decides."""
        return await mentors.apply(pool, actor, association_id, data)

    @post("/pause", operation_id="pause_mentoring", status_code=HTTP_200_OK)
    async def pause(self, association_id: FromPath[UUID], pool: Pool, actor: Caller) -> MentorProfile:
        """Stop receiving new mentees for now."""
        return await mentors.set_paused(pool, actor, association_id, True)

    @post("/resume", operation_id="resume_mentoring", status_code=HTTP_200_OK)
    async def resume(self, association_id: FromPath[UUID], pool: Pool, actor: Caller) -> MentorProfile:
        return await mentors.set_paused(pool, actor, association_id, False)

    @put("/capacity", operation_id="set_mentoring_capacity")
    async def capacity(
        self, association_id: FromPath[UUID], data: JSONBody[CapacityChange], pool: Pool, actor: Caller
    ) -> MentorProfile:
        """How many mentees at once (1-5)."""
        return await mentors.set_capacity(pool, actor, association_id, data.capacity)


class MentorAdminController(Controller):
    """An association admin's side."""

    path = "/associations/{association_id:uuid}"
    tags = ["mentoring"]
    security = [{BEARER: []}]

    @get("/mentor-applications", operation_id="list_mentor_applications")
    async def applications(
        self, association_id: FromPath[UUID], pool: Pool, actor: Caller, status: FromQuery[MentorStatus] = "applied"
    ) -> list[MentorApplicationRead]:
        """Mentor profiles in this status, oldest first; each listed one is written to the audit trail."""
        listed = await mentors.list_applications(pool, actor, association_id, status)
        return [
            MentorApplicationRead.model_validate({**profile.model_dump(), "display_name": name})
            for profile, name in listed
        ]

    @post("/mentors/{member_id:uuid}/approve", operation_id="approve_mentor", status_code=HTTP_200_OK)
    async def approve(
        self, association_id: FromPath[UUID], member_id: FromPath[UUID], pool: Pool, actor: Caller
    ) -> MentorProfile:
        """Approve an application: the person gets the mentor role and can be matched."""
        return await mentors.approve(pool, actor, association_id, member_id)

    @post("/mentors/{member_id:uuid}/reject", operation_id="reject_mentor", status_code=HTTP_200_OK)
    async def reject(
        self,
        association_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[Rejection],
        pool: Pool,
        actor: Caller,
    ) -> MentorProfile:
        """Reject an application with a reason; the person may apply again later."""
        return await mentors.reject(pool, actor, association_id, member_id, data.reason)
