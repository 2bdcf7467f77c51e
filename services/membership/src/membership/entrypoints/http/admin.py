"""HTTP for association admins: the member directory, approvals, roles, renewals, CSV import, audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post, put
from litestar.exceptions import HTTPException
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter, RawBody
from litestar.status_codes import HTTP_200_OK, HTTP_415_UNSUPPORTED_MEDIA_TYPE
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from membership.adapters.audit import Action
from membership.adapters.member_directory import DirectoryEntry, DirectoryQuery
from membership.domain.accounts import Email
from membership.domain.memberships import Status, check_roles
from membership.entrypoints.http.dependencies import Auth, Caller
from membership.entrypoints.http.membership_views import MembershipRead
from membership.service_layer import admin, member_import
from shared.contracts.membership import Role
from shared.web.app import BEARER
from shared.web.dependencies import Pool

MAX_CSV_BYTES = 5 * 1024 * 1024
CSV_TYPES = ("text/csv", "application/csv")


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    roles: Annotated[list[Role], Field(min_length=1, examples=[["member", "mentor"]]), AfterValidator(check_roles)]


class Renewal(BaseModel):
    """A paid or renewed membership: from `renewed_on` until `expires_on` (the last day it is valid)."""

    model_config = ConfigDict(extra="forbid")

    renewed_on: date
    expires_on: date

    @model_validator(mode="after")
    def _expires_after_renewal(self) -> Renewal:
        if self.expires_on <= self.renewed_on:
            raise ValueError("expires_on must be after renewed_on")
        return self


class AdminAppointment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email


class MemberRead(MembershipRead):
    """A member as their association's admins see them: no health data."""

    display_name: str
    email: str

    @classmethod
    def of_entry(cls, entry: DirectoryEntry, today: date) -> MemberRead:
        return cls(**cls.fields(entry.membership, today), display_name=entry.display_name, email=entry.email)


class MemberPageRead(BaseModel):
    items: list[MemberRead]
    total: int = Field(description="members matching the filters, on every page")
    page: int
    page_size: int


class ImportRead(BaseModel):
    invited: int = Field(description="rows of the file; each address was sent an invitation")
    note: str = (
        "each address got an e-mailed invitation; people join (and, if new, choose a password) when they accept;"
        " nothing is linked to the association before"
    )


class AuditEntryRead(BaseModel):
    """Who did what to whose health data, when: never the values."""

    id: int
    at: datetime
    actor_id: UUID
    subject_id: UUID
    action: Action
    resource: str


class AuditPageRead(BaseModel):
    items: list[AuditEntryRead]
    next_before_id: int | None = Field(description="pass as before_id for the next (older) page; null at the end")


@dataclass
class CsvUpload(Operation):
    """The import route reads its body itself; this documents it as a CSV file."""

    def __post_init__(self) -> None:
        columns = "email, display_name (required), locale, time_zone, languages, birth_year, gender, kind, roles"
        self.request_body = RequestBody(
            content={"text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))},
            description=f"UTF-8 CSV with a header line; columns: {columns}",
            required=True,
        )


class AdminController(Controller):
    path = "/associations/{association_id:uuid}"
    tags = ["association admin"]
    security = [{BEARER: []}]

    @get("/members", operation_id="list_members")
    async def list_members(
        self,
        association_id: FromPath[UUID],
        pool: Pool,
        actor: Caller,
        q: Annotated[
            str | None, QueryParameter(max_length=200, pattern=r"^[^\x00]*$", description="part of the name or e-mail")
        ] = None,
        status: FromQuery[Status | None] = None,
        role: FromQuery[Role | None] = None,
        page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1,
        page_size: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> MemberPageRead:
        """Members of this association, by name, optionally filtered."""
        query = DirectoryQuery(today=actor.today, text=q, status=status, role=role)
        found = await admin.list_members(pool, actor, association_id, query, page=page, page_size=page_size)
        items = [MemberRead.of_entry(entry, actor.today) for entry in found.items]
        return MemberPageRead(items=items, total=found.total, page=found.page, page_size=found.page_size)

    @get("/members/{member_id:uuid}", operation_id="get_member")
    async def get_member(
        self, association_id: FromPath[UUID], member_id: FromPath[UUID], pool: Pool, actor: Caller
    ) -> MemberRead:
        return MemberRead.of_entry(await admin.get_member(pool, actor, association_id, member_id), actor.today)

    @post("/members/{member_id:uuid}/approve", operation_id="approve_member", status_code=HTTP_200_OK)
    async def approve(
        self, association_id: FromPath[UUID], member_id: FromPath[UUID], pool: Pool, actor: Caller
    ) -> MemberRead:
        """Admit a member waiting for approval."""
        return MemberRead.of_entry(await admin.approve(pool, actor, association_id, member_id), actor.today)

    @put("/members/{member_id:uuid}/roles", operation_id="set_member_roles")
    async def set_roles(
        self,
        association_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[RoleChange],
        pool: Pool,
        actor: Caller,
    ) -> MemberRead:
        """Replace the member's roles (always including `member`); the last admin cannot lose the admin role."""
        return MemberRead.of_entry(
            await admin.set_roles(pool, actor, association_id, member_id, data.roles), actor.today
        )

    @put("/members/{member_id:uuid}/renewal", operation_id="renew_membership")
    async def renew(
        self,
        association_id: FromPath[UUID],
        member_id: FromPath[UUID],
        data: JSONBody[Renewal],
        pool: Pool,
        actor: Caller,
    ) -> MemberRead:
        """Record a renewal; after `expires_on` the membership reads as expired."""
        return MemberRead.of_entry(
            await admin.renew(pool, actor, association_id, member_id, data.renewed_on, data.expires_on), actor.today
        )

    @post("/admins", operation_id="appoint_admin", status_code=HTTP_200_OK)
    async def appoint_admin(
        self, association_id: FromPath[UUID], data: JSONBody[AdminAppointment], pool: Pool, actor: Caller
    ) -> MemberRead:
        """Make someone who joined an admin (admins of the association or federation admins)."""
        return MemberRead.of_entry(await admin.appoint_admin(pool, actor, association_id, data.email), actor.today)

    @post(
        "/members/import",
        operation_id="import_members",
        request_max_body_size=MAX_CSV_BYTES,
        operation_class=CsvUpload,
    )
    async def import_members(
        self,
        association_id: FromPath[UUID],
        body: RawBody,
        request: Request[Any, Any, Any],
        pool: Pool,
        actor: Caller,
        auth_config: Auth,
    ) -> ImportRead:
        """Invite the people of a CSV file: all rows or none. Each address gets an e-mailed invitation,
        whether or not it has an account; they join when they accept it (`POST /invitations/accept`)."""
        if request.content_type[0] not in CSV_TYPES:
            raise HTTPException("send the file as text/csv", status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE)
        ttl = timedelta(days=auth_config.challenges.invitation_days)
        result = await member_import.import_members(pool, actor, association_id, body, ttl)
        return ImportRead(invited=result.invited)

    @get("/audit", operation_id="association_audit_trail")
    async def audit_trail(
        self,
        association_id: FromPath[UUID],
        pool: Pool,
        actor: Caller,
        before_id: Annotated[int | None, QueryParameter(ge=1, le=2**63 - 1)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> AuditPageRead:
        """Health-data reads and changes through this association and by its members, newest first."""
        records = await admin.audit_trail(pool, actor, association_id, before_id=before_id, limit=limit)
        items = [AuditEntryRead(**{k: getattr(r, k) for k in AuditEntryRead.model_fields}) for r in records]
        next_before = records[-1].id if len(records) == limit else None
        return AuditPageRead(items=items, next_before_id=next_before)
