"""HTTP: a member registers (or joins the waitlist), follows their registrations, accepts or declines an
offered place, and cancels at any time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from litestar import Controller, Response, delete, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from events.domain.places import Registration, Status
from events.service_layer import registrations
from events.service_layer.questions import one_paragraph
from shared.web.app import BEARER
from shared.web.dependencies import Caller, Pool

Need = Literal["captions", "sign_language", "screen_reader", "large_print_slides", "step_free_breaks"]


class NewRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    companion: bool = Field(default=False, description="a second place, for a caregiver coming with you")
    needs: list[Need] = Field(default_factory=list, description="what would help you take part")


class RegistrationRead(BaseModel):
    registration_id: UUID
    conference_id: UUID
    status: Status
    places: int
    needs: list[str]
    position: int | None = Field(description="while waitlisted: your place in line, 1 being next")
    offer_expires_at: datetime | None = Field(description="while offered: accept before this, or it passes on")
    created_at: datetime
    skipped: list[int] = Field(description="a circle's meetings (by number) you said you will miss")

    @classmethod
    def of(cls, registration: Registration) -> RegistrationRead:
        return cls(**{name: getattr(registration, name) for name in cls.model_fields})


class JoinRead(BaseModel):
    url: str


class CalendarFeedRead(BaseModel):
    token: str = Field(description="the secret part of the feed's address: GET /calendar-feeds/{token}")


class CalendarFeedState(BaseModel):
    active: bool


class MaterialsRead(BaseModel):
    recording_url: str | None
    slides_url: str | None
    feedback_given: bool


class Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: int = Field(ge=1, le=5, description="1 (not helpful) to 5 (very helpful)")
    comment: Annotated[str, AfterValidator(one_paragraph)] | None = Field(default=None, max_length=2000)


class RegistrationController(Controller):
    path = "/"
    tags = ["registrations"]
    security = [{BEARER: []}]

    @post("/conferences/{conference_id:uuid}/registrations", operation_id="register")
    async def register(
        self, conference_id: FromPath[UUID], data: JSONBody[NewRegistration], pool: Pool, caller: Caller
    ) -> RegistrationRead:
        """Register: a place if one is free and nobody is waiting, otherwise a position on the waitlist."""
        registration = await registrations.register(
            pool, caller, conference_id, companion=data.companion, needs=list(data.needs)
        )
        return RegistrationRead.of(registration)

    @get("/me/registrations", operation_id="list_my_registrations")
    async def mine(self, pool: Pool, caller: Caller) -> list[RegistrationRead]:
        """Your registrations, newest first, with your position while you wait."""
        return [RegistrationRead.of(registration) for registration in await registrations.mine(pool, caller)]

    @get(
        "/me/registrations/{registration_id:uuid}/calendar.ics",
        operation_id="registration_calendar",
        media_type="text/calendar",
        responses={200: ResponseSpec(None, description="an iCalendar file (RFC 5545)", media_type="text/calendar")},
    )
    async def calendar(self, registration_id: FromPath[UUID], pool: Pool, caller: Caller) -> Response[bytes]:
        """Your place as a calendar file; after you cancel, the file that takes it out of your calendar."""
        body = await registrations.calendar(pool, caller, registration_id)
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="fellowship-event.ics"'},
        )

    @put(
        "/me/registrations/{registration_id:uuid}/skipped/{number:int}",
        operation_id="skip_meeting",
        status_code=HTTP_200_OK,
    )
    async def skip(
        self, registration_id: FromPath[UUID], number: FromPath[int], pool: Pool, caller: Caller
    ) -> RegistrationRead:
        """Say you will miss meeting `number` of your circle: no reminder for it, your calendar leaves it out,
        the facilitator knows. Your place in the circle stays yours."""
        return RegistrationRead.of(await registrations.skip(pool, caller, registration_id, number, skipping=True))

    @delete(
        "/me/registrations/{registration_id:uuid}/skipped/{number:int}",
        operation_id="unskip_meeting",
        status_code=HTTP_200_OK,
    )
    async def unskip(
        self, registration_id: FromPath[UUID], number: FromPath[int], pool: Pool, caller: Caller
    ) -> RegistrationRead:
        """You will come to meeting `number` after all."""
        return RegistrationRead.of(await registrations.skip(pool, caller, registration_id, number, skipping=False))

    @post("/me/registrations/{registration_id:uuid}/join", operation_id="join_event", status_code=HTTP_200_OK)
    async def join(self, registration_id: FromPath[UUID], pool: Pool, caller: Caller) -> JoinRead:
        """The link to join, from 30 minutes before the start to the end, for a person with a place; using it
        counts as attending."""
        return JoinRead(url=await registrations.join(pool, caller, registration_id))

    @get("/me/registrations/{registration_id:uuid}/materials", operation_id="event_materials")
    async def materials(self, registration_id: FromPath[UUID], pool: Pool, caller: Caller) -> MaterialsRead:
        """After the event, for the people who had a place: the recording and slides (None until published)."""
        recording, slides, given = await registrations.materials(pool, caller, registration_id)
        return MaterialsRead(recording_url=recording, slides_url=slides, feedback_given=given)

    @post(
        "/me/registrations/{registration_id:uuid}/feedback",
        operation_id="give_feedback",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def feedback(
        self, registration_id: FromPath[UUID], data: JSONBody[Feedback], pool: Pool, caller: Caller
    ) -> None:
        """How it was, once, after the end: the hosts see the figures and the comments of their own members."""
        await registrations.feedback(pool, caller, registration_id, data.rating, data.comment or "")

    @post(
        "/me/registrations/{registration_id:uuid}/cancel", operation_id="cancel_registration", status_code=HTTP_200_OK
    )
    async def cancel(self, registration_id: FromPath[UUID], pool: Pool, caller: Caller) -> RegistrationRead:
        """Give up your place or your position in line; a freed place is offered to the next person at once."""
        return RegistrationRead.of(await registrations.cancel(pool, caller, registration_id))

    @post("/me/registrations/{registration_id:uuid}/accept", operation_id="accept_offer", status_code=HTTP_200_OK)
    async def accept(self, registration_id: FromPath[UUID], pool: Pool, caller: Caller) -> RegistrationRead:
        """Take the place offered to you, before its deadline."""
        return RegistrationRead.of(await registrations.accept(pool, caller, registration_id))

    @post("/me/registrations/{registration_id:uuid}/decline", operation_id="decline_offer", status_code=HTTP_200_OK)
    async def decline(self, registration_id: FromPath[UUID], pool: Pool, caller: Caller) -> RegistrationRead:
        """Let the place offered to you go to the next person."""
        return RegistrationRead.of(await registrations.decline(pool, caller, registration_id))


class CalendarFeedController(Controller):
    path = "/"
    tags = ["calendar feed"]

    @post("/me/calendar-feed", operation_id="new_calendar_feed", security=[{BEARER: []}])
    async def new(self, pool: Pool, caller: Caller) -> CalendarFeedRead:
        """A new secret address for your calendar app to subscribe to; the previous address stops working."""
        return CalendarFeedRead(token=await registrations.new_calendar_feed(pool, caller))

    @get("/me/calendar-feed", operation_id="calendar_feed_state", security=[{BEARER: []}])
    async def state(self, pool: Pool, caller: Caller) -> CalendarFeedState:
        return CalendarFeedState(active=await registrations.has_calendar_feed(pool, caller))

    @delete("/me/calendar-feed", operation_id="revoke_calendar_feed", security=[{BEARER: []}])
    async def revoke(self, pool: Pool, caller: Caller) -> None:
        """Turn your calendar feed off: its address stops working."""
        await registrations.revoke_calendar_feed(pool, caller)

    @get(
        "/calendar-feeds/{token:str}",
        operation_id="calendar_feed",
        security=[],
        media_type="text/calendar",
        responses={200: ResponseSpec(None, description="an iCalendar feed (RFC 5545)", media_type="text/calendar")},
    )
    async def feed(self, token: FromPath[str], pool: Pool) -> Response[bytes]:
        """Public, for calendar apps: the events the address's owner has a place at. The address is the secret."""
        body = await registrations.calendar_feed(pool, token[:100])
        return Response(
            body, media_type="text/calendar; charset=utf-8", headers={"cache-control": "private, max-age=300"}
        )
