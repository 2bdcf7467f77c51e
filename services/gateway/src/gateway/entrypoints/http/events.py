"""Conferences and peer support circles: what is coming for me (by my conditions and my languages), one event
with its times in my own time zone, register or join the waiting list, accept or pass on an offered place,
give up a place, and the event as a calendar file."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from gateway import i18n
from gateway.entrypoints.http.pages import (
    AnyRequest,
    anonymous_call,
    call,
    deps_of,
    detail_of,
    form_list,
    form_of,
    holds_role,
    not_possible,
    notice,
    redirect,
    render,
    signed_in,
)
from gateway.entrypoints.http.welcome import me_of
from gateway.i18n import N_

PAST_SHOWN = 5  # the latest events one had a place at, on the overview once over
LIVE = {"registered", "waitlisted", "offered"}  # events' registrations that still hold a place or a position
NEEDS = {  # events' NewRegistration.needs → plain words
    "captions": N_("Captions (subtitles)"),
    "sign_language": N_("Sign language interpreting"),
    "screen_reader": N_("Slides that work with a screen reader"),
    "large_print_slides": N_("Large-print slides"),
    "step_free_breaks": N_("Short breaks to rest"),
}
ACCESSIBILITY = {  # what the hosts offer (events' Accessibility) → plain words
    "captions": N_("Captions"),
    "sign_language": N_("Sign language"),
    "slides_in_advance": N_("Slides sent before"),
}
HELD = N_(
    "Thank you. Your question contains personal details (an e-mail address, a phone number or a name), so a"
    " moderator will check it before anyone else sees it."
)
FINDINGS = {"email": N_("e-mail address"), "phone": N_("phone number"), "name": N_("name")}
DONE = {
    "approve": N_("The question is now shown to the attendees."),
    "answer": N_("The answer is published with the question."),
    "reject": N_("The question is turned down; the member can read why."),
    "merge": N_("The question is merged; its votes went to the one it repeats."),
    "refer": N_("The member can now read your association's advice to ask their own doctor."),
}
AUDIENCE = {
    "patients": N_("People living with the condition"),
    "caregivers": N_("Caregivers and family"),
    "hcp": N_("Healthcare professionals"),
}


def words(table: dict[str, str], keys: list[str]) -> list[str]:
    return [i18n.gettext(table[key]) for key in keys if key in table]


def _joinable(conference: dict[str, Any], now: datetime) -> bool:
    """Whether events shows people with a place the link to join now (its rule: from `join_opens_at` to
    `join_closes_at`, for the meeting under way or next)."""
    opens, ends = (datetime.fromisoformat(conference[key]) for key in ("join_opens_at", "join_closes_at"))
    return conference["status"] == "published" and opens <= now < ends


def has_ended(conference: dict[str, Any], now: datetime) -> bool:
    """Whether the event's last meeting is over."""
    return datetime.fromisoformat(conference["meetings"][-1]["ends_at"]) <= now


def meetings_to_come(conference: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """A circle's meetings not yet started; none for a conference (it meets once: its time says it all)."""
    if conference["kind"] != "circle":
        return []
    return [m for m in conference["meetings"] if datetime.fromisoformat(m["starts_at"]) > now]


def _hosts(request: AnyRequest, conference: dict[str, Any]) -> bool:
    """Whether the signed-in person is an admin of one of the event's host associations (by the token held:
    every member reads this page, and a role just given shows at the next refresh)."""
    hosts = [conference["association_id"], *conference["co_hosts"]]
    return any(holds_role(request, "admin", UUID(association)) for association in hosts)


async def upcoming(request: AnyRequest) -> list[dict[str, Any]]:
    """What events lists as coming (each with a meeting still to start), with its `next_meeting`: a circle
    under way shows its next meeting, not its first."""
    coming: list[dict[str, Any]] = (await call(request, "events", "GET", "/conferences/")).json()
    now = deps_of(request).clock()
    for conference in coming:
        conference["next_meeting"] = next(
            (m for m in conference["meetings"] if datetime.fromisoformat(m["starts_at"]) > now),
            conference["meetings"][-1],
        )
    return coming


async def _registrations(request: AnyRequest) -> list[dict[str, Any]]:
    """All my registrations, newest first."""
    registrations: list[dict[str, Any]] = (await call(request, "events", "GET", "/me/registrations")).json()
    return registrations


def _live(registrations: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The registrations that still hold a place or a position, by event id."""
    return {r["conference_id"]: r for r in registrations if r["status"] in LIVE}


async def _mine(request: AnyRequest) -> dict[str, dict[str, Any]]:
    """My live registrations by event id."""
    return _live(await _registrations(request))


async def _past(request: AnyRequest, registrations: list[dict[str, Any]], coming: set[str]) -> list[dict[str, Any]]:
    """The latest events I had a place at that are over (their recording, their feedback form)."""
    ids = [
        r["conference_id"] for r in registrations if r["status"] == "registered" and r["conference_id"] not in coming
    ]
    answers = await asyncio.gather(*(call(request, "events", "GET", f"/conferences/{i}") for i in ids[:PAST_SHOWN]))
    now = deps_of(request).clock()
    return [answer.json() for answer in answers if answer.is_success and has_ended(answer.json(), now)]


class EventsController(Controller):
    path = "/events"
    include_in_schema = False

    @get("/", operation_id="page_events")
    async def overview(self, request: AnyRequest) -> Template:
        signed_in(request)
        me = await me_of(request)
        coming = await upcoming(request)
        registrations = await _registrations(request)
        mine = _live(registrations)
        past = await _past(request, registrations, {c["conference_id"] for c in coming})
        languages = set(me["profile"].get("languages") or [])
        for_you = [c for c in coming if c["for_your_conditions"] and (not languages or languages & set(c["languages"]))]
        return render(
            request,
            "events/overview.html",
            title=i18n.gettext("Conferences and support circles"),
            mine=[c for c in coming if c["conference_id"] in mine],
            for_you=[c for c in for_you if c["conference_id"] not in mine],
            others=[c for c in coming if c not in for_you and c["conference_id"] not in mine],
            registrations=mine,
            past=past,
        )

    @get("/calendar", operation_id="page_my_calendar")
    async def my_calendar(self, request: AnyRequest) -> Template:
        session = signed_in(request)
        state = (await call(request, "events", "GET", "/me/calendar-feed")).json()
        token = session.pop("calendar_token")  # shown once, right after it was made: it is not kept anywhere
        address = f"{str(request.base_url).rstrip('/')}/calendar/{token}.ics" if token else None
        return render(
            request, "events/calendar.html", title=i18n.gettext("My calendar"), active=state["active"], address=address
        )

    @post("/calendar", operation_id="change_my_calendar")
    async def change_calendar(self, request: AnyRequest) -> Redirect:
        """A new address for the calendar feed (the old one stops working), or none."""
        session = signed_in(request)
        action = (await form_of(request)).get("action")
        if action == "new":
            response = await call(request, "events", "POST", "/me/calendar-feed", json={})
            if response.is_success:
                session.put("calendar_token", response.json()["token"])
            else:
                notice(request, not_possible(response))
        elif action == "off":
            await call(request, "events", "DELETE", "/me/calendar-feed")
            notice(request, i18n.gettext("Your calendar address is turned off."))
        return redirect("/events/calendar")

    @get("/{conference_id:uuid}", operation_id="page_event")
    async def event(self, request: AnyRequest, conference_id: FromPath[UUID]) -> Template:
        signed_in(request)
        return await self._event(request, conference_id)

    async def _event(
        self,
        request: AnyRequest,
        conference_id: UUID,
        errors: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> Template:
        response = await call(request, "events", "GET", f"/conferences/{conference_id}")
        conference = response.json() if response.is_success else None
        registration = (await _mine(request)).get(str(conference_id)) if conference else None
        questions: list[dict[str, Any]] = []
        host = False
        now = deps_of(request).clock()
        ended = conference is not None and has_ended(conference, now)
        materials = None
        if ended and registration and registration["status"] == "registered":
            path = f"/me/registrations/{registration['registration_id']}/materials"
            materials = (await call(request, "events", "GET", path)).json()
        if conference:
            path = f"/conferences/{conference_id}/questions"
            questions = (await call(request, "events", "GET", path, params={"locale": i18n.current()})).json()
            host = _hosts(request, conference)
        return render(
            request,
            "events/event.html",
            title=conference["title"] if conference else i18n.gettext("This event is not available"),
            status=200 if conference else 404,
            conference=conference,
            registration=registration,
            audience=words(AUDIENCE, conference["audience"]) if conference else [],
            offered=words(ACCESSIBILITY, conference["accessibility"]) if conference else [],
            needs={key: i18n.gettext(text) for key, text in NEEDS.items()},
            joinable=conference is not None and _joinable(conference, now),
            ended=ended,
            to_come=meetings_to_come(conference, now) if conference else [],
            materials=materials,
            shown=[q for q in questions if q["status"] in {"approved", "answered"}],
            mine=[q for q in questions if q["mine"] and q["status"] not in {"approved", "answered"}],
            host=host,
            errors=errors,
            values=values,
        )

    @post("/{conference_id:uuid}/register", operation_id="register_for_event")
    async def register(self, request: AnyRequest, conference_id: FromPath[UUID]) -> Template | Redirect:
        signed_in(request)
        values = await form_of(request)
        body = {
            "companion": values.get("companion") == "yes",
            "needs": [need for need in await form_list(request, "needs") if need in NEEDS],
        }
        response = await call(request, "events", "POST", f"/conferences/{conference_id}/registrations", json=body)
        if not response.is_success:
            reason = detail_of(response) or i18n.gettext("please try again")
            return await self._event(
                request,
                conference_id,
                {"companion": i18n.gettext("We could not register you: %(reason)s") % {"reason": reason}},
            )
        if response.json()["status"] == "registered":
            notice(request, i18n.gettext("You have a place. We have sent you an e-mail with a calendar file."))
        else:
            notice(
                request,
                i18n.gettext(
                    "The event is full, so you are on the waiting list. We will tell you when a place is free."
                ),
            )
        return redirect(f"/events/{conference_id}")

    @post("/{conference_id:uuid}/registration", operation_id="change_event_registration")
    async def change(self, request: AnyRequest, conference_id: FromPath[UUID]) -> Template | Redirect:
        """Accept or pass on an offered place, or give up a place or a position (ticking a box first: it cannot be
        undone, and someone else may take the place)."""
        signed_in(request)
        values = await form_of(request)
        registration = (await _mine(request)).get(str(conference_id))
        action = values.get("action")
        if registration is None or action not in {"accept", "decline", "cancel"}:
            notice(request, i18n.gettext("You no longer have a place or a position for this event."))
            return redirect(f"/events/{conference_id}")
        if action == "cancel" and values.get("confirm") != "yes":
            errors = {"confirm": i18n.gettext("Tick the box to say you want to give up your place")}
            return await self._event(request, conference_id, errors)
        response = await call(
            request, "events", "POST", f"/me/registrations/{registration['registration_id']}/{action}", json={}
        )
        if not response.is_success:
            notice(request, not_possible(response))
        elif action == "accept":
            notice(request, i18n.gettext("The place is yours. We have sent you an e-mail with a calendar file."))
        elif action == "decline":
            notice(request, i18n.gettext("Thank you. We have offered the place to the next person."))
        else:
            notice(
                request, i18n.gettext("Done: you no longer have a place. You can register again while places are left.")
            )
        return redirect(f"/events/{conference_id}")

    @post("/{conference_id:uuid}/meetings/{number:int}", operation_id="skip_circle_meeting")
    async def meeting(self, request: AnyRequest, conference_id: FromPath[UUID], number: FromPath[int]) -> Redirect:
        """Say I will miss one meeting of my circle (my place stays mine), or that I will come after all."""
        signed_in(request)
        action = (await form_of(request)).get("action")
        registration = (await _mine(request)).get(str(conference_id))
        if registration is None or action not in {"skip", "come"}:
            notice(request, i18n.gettext("You no longer have a place or a position for this event."))
            return redirect(f"/events/{conference_id}")
        path = f"/me/registrations/{registration['registration_id']}/skipped/{number}"
        response = await call(request, "events", "PUT" if action == "skip" else "DELETE", path)
        if not response.is_success:
            notice(request, not_possible(response))
        elif action == "skip":
            notice(request, i18n.gettext("Thank you for saying so. Your place in the circle stays yours."))
        else:
            notice(request, i18n.gettext("Good: we will remind you before that meeting."))
        return redirect(f"/events/{conference_id}#meetings")

    @get("/{conference_id:uuid}/join", operation_id="join_event_now")
    async def join(self, request: AnyRequest, conference_id: FromPath[UUID]) -> Redirect:
        """To the online meeting; events counts it as attending (once: following the link again changes nothing,
        so a link, not a form: the CSP's form-action keeps forms on this site, redirects included)."""
        signed_in(request)
        registration = (await _mine(request)).get(str(conference_id))
        if registration is None:
            notice(request, i18n.gettext("You no longer have a place or a position for this event."))
            return redirect(f"/events/{conference_id}")
        path = f"/me/registrations/{registration['registration_id']}/join"
        response = await call(request, "events", "POST", path, json={})
        if not response.is_success:
            notice(request, not_possible(response))
            return redirect(f"/events/{conference_id}")
        return Redirect(response.json()["url"], status_code=303)  # the hosts' https:// meeting, checked by events

    @post("/{conference_id:uuid}/feedback", operation_id="give_event_feedback")
    async def feedback(self, request: AnyRequest, conference_id: FromPath[UUID]) -> Template | Redirect:
        signed_in(request)
        values = await form_of(request)
        if values.get("rating") not in {"1", "2", "3", "4", "5"}:
            errors = {"rating": i18n.gettext("Choose how helpful it was, from 1 to 5")}
            return await self._event(request, conference_id, errors, values)
        registration = (await _mine(request)).get(str(conference_id))
        if registration is None:
            notice(request, i18n.gettext("You no longer have a place or a position for this event."))
            return redirect(f"/events/{conference_id}")
        body = {"rating": int(values["rating"]), "comment": values.get("comment", "")[:2000] or None}
        path = f"/me/registrations/{registration['registration_id']}/feedback"
        response = await call(request, "events", "POST", path, json=body)
        if response.is_success:
            notice(request, i18n.gettext("Thank you for your feedback."))
        else:
            notice(request, not_possible(response))
        return redirect(f"/events/{conference_id}")

    @get("/{conference_id:uuid}/calendar.ics", operation_id="event_calendar_file")
    async def calendar(self, request: AnyRequest, conference_id: FromPath[UUID]) -> Response[bytes] | Redirect:
        """My place as a calendar file (RFC 5545), from events."""
        signed_in(request)
        registration = (await _mine(request)).get(str(conference_id))
        if registration is None:
            notice(request, i18n.gettext("You no longer have a place or a position for this event."))
            return redirect(f"/events/{conference_id}")
        path = f"/me/registrations/{registration['registration_id']}/calendar.ics"
        answer = await call(request, "events", "GET", path)
        if not answer.is_success:  # events' reason, said on the page: never an error body named a calendar file
            notice(request, not_possible(answer))
            return redirect(f"/events/{conference_id}")
        return Response(
            answer.content,
            media_type="text/calendar; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="fellowship-event.ics"'},
        )

    # -- Q&A -------------------------------------------------------------------------------------
    @post("/{conference_id:uuid}/questions", operation_id="ask_event_question")
    async def ask(self, request: AnyRequest, conference_id: FromPath[UUID]) -> Template | Redirect:
        session = signed_in(request)
        values = await form_of(request)
        text = " ".join(values.get("question", "").split())
        if len(text) < 3:
            errors = {"question": i18n.gettext("Write your question in a few words")}
            return await self._event(request, conference_id, errors, values)
        body: dict[str, Any] = {"text": text[:1000]}
        if values.get("show_name") == "yes" and session.data.get("display_name"):
            body["shown_name"] = session.data["display_name"][:100]
        response = await call(request, "events", "POST", f"/conferences/{conference_id}/questions", json=body)
        if not response.is_success:
            reason = detail_of(response) or i18n.gettext("please try again")
            errors = {"question": i18n.gettext("We could not send your question: %(reason)s") % {"reason": reason}}
            return await self._event(request, conference_id, errors, values)
        if response.json()["status"] == "held":
            notice(request, i18n.gettext(HELD))
        else:
            notice(request, i18n.gettext("Thank you. A moderator will read your question before it is shown."))
        return redirect(f"/events/{conference_id}#questions")

    @post("/{conference_id:uuid}/questions/{question_id:uuid}/vote", operation_id="vote_event_question")
    async def vote(self, request: AnyRequest, conference_id: FromPath[UUID], question_id: FromPath[UUID]) -> Redirect:
        signed_in(request)
        response = await call(request, "events", "POST", f"/questions/{question_id}/vote", json={})
        if not response.is_success:
            notice(request, not_possible(response))
        return redirect(f"/events/{conference_id}#questions")

    @get("/{conference_id:uuid}/moderation", operation_id="page_event_moderation")
    async def moderation(self, request: AnyRequest, conference_id: FromPath[UUID]) -> Template:
        signed_in(request)
        return await self._moderation(request, conference_id)

    async def _moderation(
        self,
        request: AnyRequest,
        conference_id: UUID,
        errors: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> Template:
        response = await call(request, "events", "GET", f"/conferences/{conference_id}")
        conference = response.json() if response.is_success else None
        queue = await call(request, "events", "GET", f"/conferences/{conference_id}/questions/queue")
        if conference is None or not queue.is_success:
            return render(
                request,
                "admin/forbidden.html",
                title=i18n.gettext("Only the hosts' admins can moderate these questions"),
                status=403 if conference else 404,
            )
        queued = queue.json()
        kinds = {key: i18n.gettext(text) for key, text in FINDINGS.items()}
        for question in queued:
            question["parts"] = marked(question["text"], question["findings"])
            question["found"] = ", ".join(
                kinds[kind] for kind in dict.fromkeys(f["kind"] for f in question["findings"])
            )
        return render(
            request,
            "events/moderation.html",
            title=i18n.gettext("Questions to moderate"),
            conference=conference,
            queued=queued,
            kinds=kinds,
            errors=errors,
            values=values,
        )

    @post("/{conference_id:uuid}/questions/{question_id:uuid}/moderate", operation_id="moderate_event_question")
    async def moderate(
        self, request: AnyRequest, conference_id: FromPath[UUID], question_id: FromPath[UUID]
    ) -> Template | Redirect:
        signed_in(request)
        values = await form_of(request)
        action = values.get("action", "")
        field = f"action-{question_id}"
        needed = {"answer": ("answer", N_("Write the answer")), "reject": ("reason", N_("Say why, for the member"))}
        errors: dict[str, str] = {}
        if action not in {"approve", "answer", "reject", "merge", "refer"}:
            errors[field] = i18n.gettext("Choose what to do with the question")
        elif action in needed and not values.get(needed[action][0]):
            name, message = needed[action]
            errors[f"{name}-{question_id}"] = i18n.gettext(message)
        elif action == "merge" and not values.get("into"):
            errors[f"into-{question_id}"] = i18n.gettext("Choose the question it repeats")
        if errors:
            return await self._moderation(request, conference_id, errors, {**values, "question_id": str(question_id)})
        body = {"action": action, "text": values.get("text") or None}
        body |= {key: values[key] for key in ("answer", "reason", "into") if values.get(key)}
        response = await call(request, "events", "POST", f"/questions/{question_id}/moderate", json=body)
        if not response.is_success:
            errors = {field: not_possible(response)}
            return await self._moderation(request, conference_id, errors, {**values, "question_id": str(question_id)})
        notice(request, i18n.gettext(DONE[action]))
        return redirect(f"/events/{conference_id}/moderation")


def marked(text: str, findings: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """`text` in parts, each with the kind of personal detail it is (None for the rest), to highlight."""
    parts: list[tuple[str, str | None]] = []
    at = 0
    for finding in sorted(findings, key=lambda f: f["start"]):
        if finding["start"] > at:
            parts.append((text[at : finding["start"]], None))
        parts.append((text[finding["start"] : finding["end"]], finding["kind"]))
        at = finding["end"]
    if at < len(text):
        parts.append((text[at:], None))
    return parts


class CalendarFeedController(Controller):
    """The calendar feed's public address, for calendar apps (no session: the address is the secret)."""

    path = "/calendar"
    include_in_schema = False

    @get("/{token:str}", operation_id="calendar_feed_file")
    async def feed(self, request: AnyRequest, token: FromPath[str]) -> Response[bytes]:
        secret = token.removesuffix(".ics")
        if not re.fullmatch(r"[A-Za-z0-9_-]{20,100}", secret):
            return Response(b"no calendar at this address", status_code=404, media_type="text/plain")
        answer = await anonymous_call(request, "events", "GET", f"/calendar-feeds/{secret}")
        if not answer.is_success:
            return Response(b"no calendar at this address", status_code=404, media_type="text/plain")
        return Response(
            answer.content, media_type="text/calendar; charset=utf-8", headers={"cache-control": "private, max-age=300"}
        )
