"""HTTP: hosts create and publish conferences and circles; members see what is coming."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from litestar import Controller, get, patch, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from events.domain.conferences import (
    MAX_MEETINGS,
    Accessibility,
    Conference,
    ConferenceStatus,
    Meeting,
    Speaker,
    SpeakerKind,
)
from events.service_layer import conferences
from events.service_layer.conferences import Figures
from events.service_layer.questions import one_paragraph
from shared.contracts.events import Audience, Kind
from shared.dependencies import utc_now
from shared.icd10 import checked_codes
from shared.web.app import BEARER
from shared.web.dependencies import Caller, Pool

LANGUAGE = re.compile(r"[a-z]{2,3}")


class SpeakerModel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, AfterValidator(one_paragraph)] = Field(min_length=2, max_length=120)
    profession: Annotated[str, AfterValidator(one_paragraph)] = Field(
        default="", max_length=120, description="a healthcare professional's profession, or a patient's few words"
    )
    kind: SpeakerKind = Field(description="hcp: a healthcare professional; patient: a patient speaker")
    member_id: UUID | None = Field(
        default=None, description="the member a healthcare professional is: they must hold `hcp` in a host"
    )


class NewConference(BaseModel):
    model_config = ConfigDict(extra="forbid")

    association_id: UUID = Field(description="the host; you must be one of its admins")
    kind: Kind = "conference"
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(default="", max_length=10_000)
    languages: list[str] = Field(min_length=1, max_length=5, description="ISO 639 codes, e.g. en, fr")
    audience: list[Audience] = Field(min_length=1)
    conditions: list[str] = Field(default_factory=list, max_length=50, description="ICD-10 codes it is for")
    accessibility: list[Accessibility] = Field(default_factory=list)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    time_zone: str = Field(description="IANA time zone, e.g. Europe/Paris")
    capacity: int = Field(ge=1, le=100_000)
    speakers: list[SpeakerModel] = Field(default_factory=list, max_length=10)
    meetings: int = Field(
        default=1,
        ge=1,
        le=MAX_MEETINGS,
        description="a circle: how many weekly meetings from starts_at, at the same local time (a conference: 1)",
    )

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        for code in value:
            if not LANGUAGE.fullmatch(code):
                raise ValueError(f"{code!r} is not a language code such as 'en' or 'fr'")
        return sorted(set(value))

    @field_validator("conditions")
    @classmethod
    def _conditions(cls, value: list[str]) -> list[str]:
        return checked_codes(value)

    @field_validator("time_zone")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"{value!r} is not an IANA time zone such as 'Europe/Paris'") from error
        return value

    @model_validator(mode="after")
    def _ordered(self) -> NewConference:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.kind == "conference" and self.meetings != 1:
            raise ValueError("a conference meets once: only a circle has several meetings")
        return self

    def to_domain(self) -> Conference:
        return Conference(
            conference_id=UUID(int=0),  # given by the use case
            association_id=self.association_id,
            kind=self.kind,
            status="draft",
            title=self.title,
            description=self.description,
            languages=self.languages,
            audience=sorted(set(self.audience)),
            conditions=self.conditions,
            accessibility=sorted(set(self.accessibility)),
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            time_zone=self.time_zone,
            capacity=self.capacity,
            held=0,
            sequence=0,
            co_hosts=[],
            speakers=[Speaker(**speaker.model_dump()) for speaker in self.speakers],
            meetings=self.meetings,
        )


class Changes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=3, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    capacity: int | None = Field(default=None, ge=1, le=100_000, description="more places go at once to those waiting")


class NewTimes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> NewTimes:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class Cancellation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=500, description="told to everyone registered")


class MeetingRead(BaseModel):
    number: int = Field(description="0 is the first")
    starts_at: datetime
    ends_at: datetime

    @classmethod
    def of(cls, meeting: Meeting) -> MeetingRead:
        return cls(number=meeting.number, starts_at=meeting.starts_at, ends_at=meeting.ends_at)


class ConferenceRead(BaseModel):
    conference_id: UUID
    association_id: UUID
    co_hosts: list[UUID]
    kind: Kind
    status: ConferenceStatus
    title: str
    description: str
    languages: list[str]
    audience: list[Audience]
    conditions: list[str]
    accessibility: list[Accessibility]
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    capacity: int
    speakers: list[SpeakerModel]
    places_left: int = Field(description="places neither taken nor held for someone offered one")
    meetings: list[MeetingRead] = Field(description="a conference's one meeting, or a circle's weekly meetings")
    join_opens_at: datetime = Field(description="from when people with a place can join the meeting under way or next")
    join_closes_at: datetime = Field(description="when that meeting ends")

    @classmethod
    def of(cls, conference: Conference, now: datetime | None = None) -> ConferenceRead:
        computed = {"places_left", "speakers", "meetings", "join_opens_at", "join_closes_at"}
        fields = {name: getattr(conference, name) for name in cls.model_fields if name not in computed}
        current = conference.current_meeting(now or utc_now())
        return cls(
            **fields,
            speakers=[SpeakerModel(**asdict(speaker)) for speaker in conference.speakers],
            places_left=conference.capacity - conference.held,
            meetings=[MeetingRead.of(meeting) for meeting in conference.schedule],
            join_opens_at=current.join_opens_at,
            join_closes_at=current.ends_at,
        )


class JoinLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, pattern=r"^https://[^\s<>\"]+$", description="https:// of any video platform")


class CoHost(BaseModel):
    model_config = ConfigDict(extra="forbid")

    association_id: UUID


class FiguresRead(BaseModel):
    registered: int
    waitlisted: int
    offered: int
    gave_up: int = Field(description="cancelled, or an offer not taken in time")
    promoted: int = Field(description="took a place offered from the waiting list")
    attended: int = Field(description="used the link to join")
    answers: int = Field(description="gave their feedback")
    average_rating: float | None = Field(description="of the feedback, from 1 to 5")

    @classmethod
    def of(cls, figures: Figures) -> FiguresRead:
        fields = {name: value for name, value in asdict(figures).items() if name != "ratings"}
        return cls(**fields, average_rating=round(figures.ratings / figures.answers, 1) if figures.answers else None)


class RegistrantRead(BaseModel):
    registration_id: UUID
    member_id: UUID
    association_id: UUID
    status: str
    places: int
    needs: list[str]
    position: int | None
    skipped: list[int] = Field(description="the circle's meetings (by number) they said they will miss")


class RegistrantsRead(BaseModel):
    registrants: list[RegistrantRead] = Field(description="your associations' registrants only")
    yours: FiguresRead = Field(description="the figures of your associations' registrants")
    all_hosts: FiguresRead = Field(description="the figures of every host together")
    comments: list[str] = Field(description="your members' feedback comments")


class Materials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recording_url: str | None = Field(default=None, max_length=2000, pattern=r"^https://[^\s<>\"]+$")
    slides_url: str | None = Field(default=None, max_length=2000, pattern=r"^https://[^\s<>\"]+$")


class UpcomingRead(ConferenceRead):
    for_your_conditions: bool = Field(
        description="it is for one of your conditions (only when you agreed to the use of your health data)"
    )


class ConferenceController(Controller):
    path = "/conferences"
    tags = ["conferences"]
    security = [{BEARER: []}]

    @post("/", operation_id="create_conference")
    async def create(self, data: JSONBody[NewConference], pool: Pool, caller: Caller) -> ConferenceRead:
        """Create a conference or circle as a draft (association admins only); nobody sees it until published."""
        return ConferenceRead.of(await conferences.create(pool, caller, data.to_domain()))

    @post("/{conference_id:uuid}/publish", operation_id="publish_conference", status_code=HTTP_200_OK)
    async def publish(self, conference_id: FromPath[UUID], pool: Pool, caller: Caller) -> ConferenceRead:
        """Open a draft for registration and announce it."""
        return ConferenceRead.of(await conferences.publish(pool, caller, conference_id))

    @patch("/{conference_id:uuid}", operation_id="edit_conference")
    async def edit(
        self, conference_id: FromPath[UUID], data: JSONBody[Changes], pool: Pool, caller: Caller
    ) -> ConferenceRead:
        """Change the title, the description or the number of places (hosts' admins, before the start)."""
        changed = await conferences.edit(
            pool, caller, conference_id, title=data.title, description=data.description, capacity=data.capacity
        )
        return ConferenceRead.of(changed)

    @post("/{conference_id:uuid}/reschedule", operation_id="reschedule_conference", status_code=HTTP_200_OK)
    async def reschedule(
        self, conference_id: FromPath[UUID], data: JSONBody[NewTimes], pool: Pool, caller: Caller
    ) -> ConferenceRead:
        """Move the event; everyone registered or waiting is told, and their calendar entry follows."""
        moved = await conferences.reschedule(pool, caller, conference_id, data.starts_at, data.ends_at)
        return ConferenceRead.of(moved)

    @post("/{conference_id:uuid}/cancel", operation_id="cancel_conference", status_code=HTTP_200_OK)
    async def cancel(
        self, conference_id: FromPath[UUID], data: JSONBody[Cancellation], pool: Pool, caller: Caller
    ) -> ConferenceRead:
        """Call the event off: every place and position ends, and each person is told."""
        return ConferenceRead.of(await conferences.cancel(pool, caller, conference_id, data.reason))

    @get("/{conference_id:uuid}/registrants", operation_id="list_registrants")
    async def registrants(self, conference_id: FromPath[UUID], pool: Pool, caller: Caller) -> RegistrantsRead:
        """For the hosts' admins: who registered through your association, who waits, and the figures."""
        found = await conferences.registrants(pool, caller, conference_id)
        return RegistrantsRead(
            registrants=[
                RegistrantRead(**{name: getattr(r, name) for name in RegistrantRead.model_fields})
                for r in found.registrations
            ],
            yours=FiguresRead.of(found.own),
            all_hosts=FiguresRead.of(found.everyone),
            comments=found.comments,
        )

    @post("/{conference_id:uuid}/materials", operation_id="publish_materials", status_code=HTTP_200_OK)
    async def materials(
        self, conference_id: FromPath[UUID], data: JSONBody[Materials], pool: Pool, caller: Caller
    ) -> ConferenceRead:
        """After the event: the recording and slides go to everyone who had a place, with a request for feedback."""
        published = await conferences.publish_materials(
            pool, caller, conference_id, data.recording_url, data.slides_url
        )
        return ConferenceRead.of(published)

    @post("/{conference_id:uuid}/co-hosts", operation_id="add_co_host", status_code=HTTP_200_OK)
    async def co_host(
        self, conference_id: FromPath[UUID], data: JSONBody[CoHost], pool: Pool, caller: Caller
    ) -> ConferenceRead:
        """Host the event with another association (an admin of the first host asks)."""
        return ConferenceRead.of(await conferences.add_co_host(pool, caller, conference_id, data.association_id))

    @put("/{conference_id:uuid}/join-link", operation_id="set_join_link", status_code=HTTP_204_NO_CONTENT)
    async def join_link(
        self, conference_id: FromPath[UUID], data: JSONBody[JoinLink], pool: Pool, caller: Caller
    ) -> None:
        """Give the online meeting's link; people with a place see it from 30 minutes before the start."""
        await conferences.set_join_link(pool, caller, conference_id, data.url)

    @get("/", operation_id="list_upcoming_conferences")
    async def upcoming(self, pool: Pool, caller: Caller) -> list[UpcomingRead]:
        """Published conferences and circles that have not started, soonest first, marked when they are for
        your conditions."""
        return [
            UpcomingRead(**ConferenceRead.of(conference).model_dump(), for_your_conditions=yours)
            for conference, yours in await conferences.upcoming(pool, caller)
        ]

    @get("/{conference_id:uuid}", operation_id="get_conference")
    async def one(self, conference_id: FromPath[UUID], pool: Pool, caller: Caller) -> ConferenceRead:
        """One event: a draft only for its hosts' admins."""
        return ConferenceRead.of(await conferences.visible(pool, caller, conference_id))


class HostedController(Controller):
    path = "/associations/{association_id:uuid}/conferences"
    tags = ["conferences"]
    security = [{BEARER: []}]

    @get("/", operation_id="list_hosted_conferences")
    async def hosted(self, association_id: FromPath[UUID], pool: Pool, caller: Caller) -> list[ConferenceRead]:
        """For the association's admins: every event it hosts or co-hosts, drafts and past ones, latest first."""
        return [ConferenceRead.of(conference) for conference in await conferences.hosted(pool, caller, association_id)]
