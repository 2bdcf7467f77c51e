"""HTTP: a person's own data — account, profile, conditions, availability, health notes, consents, export, erasure.

There is no member id in these paths: the access token says whose data it is.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, delete, get, patch, post, put
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from membership.adapters.audit import Action
from membership.domain.access import Actor
from membership.domain.availability import Window, WindowList
from membership.domain.conditions import ConditionList, MemberCondition
from membership.domain.consents import ConsentRecord
from membership.domain.mentors import MentorProfile
from membership.domain.profile import Profile, ProfileUpdate
from membership.entrypoints.http.dependencies import Caller
from membership.entrypoints.http.membership_views import MembershipRead
from membership.service_layer import consents, data_rights, health_data, profile
from membership.service_layer.profile import MembershipView, WeeklyAvailability
from shared.contracts.membership import ConsentKind
from shared.web.app import BEARER
from shared.web.dependencies import Pool

MAX_HEALTH_NOTES = 4000


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
