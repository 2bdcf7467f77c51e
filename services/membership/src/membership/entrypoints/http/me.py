"""HTTP: a person's own account: who they are and where they belong, and the export of everything kept.

There is no member id in these paths: the access token says whose data it is.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from litestar import Controller, Response, delete, get, patch
from litestar.params import JSONBody
from pydantic import BaseModel, Field

from membership.adapters.audit import Action
from membership.domain.access import Actor
from membership.domain.availability import Window
from membership.domain.conditions import MemberCondition
from membership.domain.mentors import MentorProfile
from membership.domain.profile import Profile, ProfileUpdate
from membership.entrypoints.http.dependencies import Caller
from membership.entrypoints.http.membership_views import MembershipRead
from membership.entrypoints.http.my_consents import ConsentRead
from membership.service_layer import data_rights, profile
from membership.service_layer.profile import MembershipView
from shared.web.app import BEARER
from shared.web.dependencies import Pool


class MyMembershipRead(MembershipRead):
    association_name: str

    @classmethod
    def of_view(cls, view: MembershipView, today: date) -> MyMembershipRead:
        return cls(**cls.fields(view.membership, today), association_name=view.association_name)


class MeRead(BaseModel):
    member_id: UUID
    email: str
    profile: Profile
    federation_roles: list[str]
    memberships: list[MyMembershipRead]
    mentor_profiles: list[MentorProfile]


class RefreshTokenRead(BaseModel):
    issued_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class AuditEntryRead(BaseModel):
    at: datetime
    actor_id: UUID
    association_id: UUID | None
    action: Action
    resource: str


class PersonalDataExport(BaseModel):
    """Everything membership stores about the person."""

    member_id: UUID
    email: str
    profile: Profile
    federation_roles: list[str]
    has_password: bool
    created_at: datetime
    updated_at: datetime
    memberships: list[MyMembershipRead]
    conditions: list[MemberCondition]
    availability: list[Window]
    health_notes: str | None
    mentor_profiles: list[MentorProfile]
    consents: list[ConsentRead]
    refresh_tokens: list[RefreshTokenRead]
    failed_logins: list[datetime]
    audit_trail: list[AuditEntryRead] = Field(description="who read, changed or exported this data, and when")

    @classmethod
    def of(cls, data: data_rights.PersonalData, today: date) -> PersonalDataExport:
        account = data.account
        return cls(
            member_id=account.member_id,
            email=account.email,
            profile=account.profile,
            federation_roles=account.federation_roles,
            has_password=data.times.has_password,
            created_at=data.times.created_at,
            updated_at=data.times.updated_at,
            memberships=[MyMembershipRead.of_view(view, today) for view in data.memberships],
            conditions=data.conditions,
            availability=data.availability,
            health_notes=data.health_notes,
            mentor_profiles=data.mentor_profiles,
            consents=[ConsentRead.of(record) for record in data.consents],
            refresh_tokens=[RefreshTokenRead(**vars(token)) for token in data.refresh_tokens],
            failed_logins=data.failed_logins,
            audit_trail=[
                AuditEntryRead(
                    at=entry.at,
                    actor_id=entry.actor_id,
                    association_id=entry.association_id,
                    action=entry.action,
                    resource=entry.resource,
                )
                for entry in data.audit_trail
            ],
        )


def _me(overview: profile.Overview, actor: Actor) -> MeRead:
    account = overview.account
    return MeRead(
        member_id=account.member_id,
        email=account.email,
        profile=account.profile,
        federation_roles=account.federation_roles,
        memberships=[MyMembershipRead.of_view(view, actor.today) for view in overview.memberships],
        mentor_profiles=overview.mentor_profiles,
    )


class MeController(Controller):
    path = "/me"
    tags = ["me"]
    security = [{BEARER: []}]

    @get("/", operation_id="get_me")
    async def me(self, pool: Pool, actor: Caller) -> MeRead:
        """Your account, profile, memberships and mentor profiles."""
        return _me(await profile.overview(pool, actor), actor)

    @patch("/profile", operation_id="update_my_profile")
    async def update_profile(self, data: JSONBody[ProfileUpdate], pool: Pool, actor: Caller) -> Profile:
        """Change some profile fields; those left out stay as they are (birth year and gender may be null)."""
        return await profile.update_profile(pool, actor, data)

    @get("/export", operation_id="export_my_data")
    async def export(self, pool: Pool, actor: Caller) -> Response[PersonalDataExport]:
        """Everything stored about you, as one JSON document."""
        document = PersonalDataExport.of(await data_rights.export_my_data(pool, actor), actor.today)
        return Response(
            document, headers={"Content-Disposition": 'attachment; filename="fellowship-personal-data.json"'}
        )

    @delete("/", operation_id="erase_me")
    async def erase(self, pool: Pool, actor: Caller) -> None:
        """Erase your account and everything about you, for good. Other services are told to forget you."""
        await data_rights.erase_me(pool, actor)
