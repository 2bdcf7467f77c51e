"""Hosting events, for an association's admins: the events it hosts (drafts too), planning one (a draft, in
the association's time zone), publishing it, the link to join, who registered through the association with
the figures of every host, and calling it off."""

from __future__ import annotations

import asyncio
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from gateway import i18n
from gateway.entrypoints.http.admin import association_of, forbidden
from gateway.entrypoints.http.events import ACCESSIBILITY, AUDIENCE, NEEDS, has_ended, words
from gateway.entrypoints.http.pages import (
    AnyRequest,
    call,
    deps_of,
    form_list,
    form_of,
    has_role,
    not_possible,
    notice,
    redirect,
    render,
)
from gateway.i18n import N_
from shared.icd10 import ICD10

DURATIONS = (30, 45, 60, 90, 120, 180)  # minutes
KINDS = {"conference": N_("A conference (a talk by a professional, with questions)"), "circle": N_("A support circle")}
LANGUAGES = {"en": "English", "fr": "Français"}
REGISTRANT_STATUSES = {
    "registered": N_("Has a place"),
    "waitlisted": N_("Waiting"),
    "offered": N_("Offered a place"),
    "cancelled": N_("Gave up"),
    "expired": N_("Did not answer the offer"),
}
NAMES_SHOWN = 100  # registrants named on the page (each name is an audited read in membership)


def _https(url: str) -> bool:
    return url.startswith("https://") and len(url) <= 2000 and not any(c.isspace() or c in '<>"' for c in url)


def _when(values: dict[str, str], zone: str) -> datetime | None:
    """The day and time the form gives, in `zone`; None when they are not a day and a time."""
    try:
        return datetime.combine(
            date.fromisoformat(values.get("date", "")), time.fromisoformat(values.get("time", "")), ZoneInfo(zone)
        )
    except ValueError:
        return None


def _moved(values: dict[str, str], conference: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The new times of a moved event (its length kept), or what is wrong with them."""
    starts = _when(values, conference["time_zone"])
    if starts is None:
        return {}, {"date": i18n.gettext("Give the day (for example 2027-03-14) and the time (for example 18:30)")}
    if starts <= datetime.now(ZoneInfo(conference["time_zone"])):
        return {}, {"date": i18n.gettext("Choose a day and time in the future")}
    length = datetime.fromisoformat(conference["ends_at"]) - datetime.fromisoformat(conference["starts_at"])
    return {"starts_at": starts.isoformat(), "ends_at": (starts + length).isoformat()}, {}


def _speaker(values: dict[str, str], n: int) -> dict[str, Any] | None:
    """Speaker `n` of the form: a member with the `hcp` role ("member:<id>"), or a name typed in."""
    chosen = values.get(f"speaker-{n}-kind", "")
    name = " ".join(values.get(f"speaker-{n}-name", "").split())[:120]
    if len(name) < 2:
        return None
    speaker: dict[str, Any] = {
        "name": name,
        "profession": " ".join(values.get(f"speaker-{n}-profession", "").split())[:120],
        "kind": "patient" if chosen == "patient" else "hcp",
    }
    if chosen.startswith("member:"):
        speaker["member_id"] = chosen.removeprefix("member:")
    return speaker


def planned(values: dict[str, str], chosen: dict[str, list[str]], zone: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The new event's body for events, or what is wrong with the form, field by field."""
    errors: dict[str, str] = {}
    if values.get("kind") not in KINDS:
        errors["kind"] = i18n.gettext("Choose a conference or a support circle")
    title = " ".join(values.get("title", "").split())
    if not 3 <= len(title) <= 200:
        errors["title"] = i18n.gettext("Give a title of 3 to 200 characters")
    starts = _when(values, zone)
    if starts is None:
        errors["date"] = i18n.gettext("Give the day (for example 2027-03-14) and the time (for example 18:30)")
    if starts is not None and starts <= datetime.now(ZoneInfo(zone)):
        errors["date"] = i18n.gettext("Choose a day and time in the future")
    minutes = int(values["minutes"]) if values.get("minutes", "").isdigit() else 0
    if minutes not in DURATIONS:
        errors["minutes"] = i18n.gettext("Choose how long it lasts")
    capacity = int(values["capacity"]) if values.get("capacity", "").isdigit() else 0
    if not 1 <= capacity <= 100_000:
        errors["capacity"] = i18n.gettext("Give the number of places, from 1")
    given = values.get("meetings", "").strip() or "1"  # left empty: it meets once
    meetings = int(given) if given.isdigit() else 0
    if not 1 <= meetings <= 52:
        errors["meetings"] = i18n.gettext("Give the number of meetings, from 1 to 52")
    elif meetings > 1 and values.get("kind") != "circle":
        errors["meetings"] = i18n.gettext("A conference meets once: choose a support circle for weekly meetings")
    codes = [code.strip().upper() for code in re.split(r"[,\s]+", values.get("conditions", "")) if code.strip()]
    if wrong := [code for code in codes if not ICD10.fullmatch(code)]:
        errors["conditions"] = i18n.gettext("These are not ICD-10 codes: %(codes)s") % {"codes": ", ".join(wrong)}
    languages = [lang for lang in chosen["languages"] if lang in LANGUAGES]
    if not languages:
        errors["languages"] = i18n.gettext("Choose at least one language")
    audience = [who for who in chosen["audience"] if who in AUDIENCE]
    if not audience:
        errors["audience"] = i18n.gettext("Choose who it is for")
    if errors or starts is None:
        return {}, errors
    return {
        "kind": values["kind"],
        "title": title,
        "description": values.get("description", "")[:10_000],
        "languages": languages,
        "audience": audience,
        "conditions": codes,
        "accessibility": [a for a in chosen["accessibility"] if a in ACCESSIBILITY],
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(minutes=minutes)).isoformat(),
        "time_zone": zone,
        "capacity": capacity,
        "meetings": meetings,
        "speakers": [speaker for n in (1, 2) if (speaker := _speaker(values, n))],
    }, {}


class HostingController(Controller):
    path = "/admin/{association_id:uuid}/events"
    include_in_schema = False

    @get("/", operation_id="page_admin_events")
    async def events(self, request: AnyRequest, association_id: FromPath[UUID]) -> Template:
        if not await has_role(request, "admin", association_id):
            return forbidden(request)
        hosted = (await call(request, "events", "GET", f"/associations/{association_id}/conferences/")).json()
        return render(
            request,
            "admin/events.html",
            title=i18n.gettext("Events you host"),
            association=await association_of(request, association_id),
            hosted=hosted,
        )

    @get("/new", operation_id="page_admin_event_new")
    async def new(self, request: AnyRequest, association_id: FromPath[UUID]) -> Template:
        if not await has_role(request, "admin", association_id):
            return forbidden(request)
        return await self._new(
            request, association_id, {"minutes": "60", "capacity": "50", "kind": "conference", "meetings": "1"}
        )

    async def _new(
        self,
        request: AnyRequest,
        association_id: UUID,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
    ) -> Template:
        association = await association_of(request, association_id)
        params = {"role": "hcp", "status": "active", "page_size": 100}
        found = await call(request, "membership", "GET", f"/associations/{association_id}/members", params=params)
        professionals = found.json()["items"] if found.is_success else []
        return render(
            request,
            "admin/event_new.html",
            professionals=professionals,
            title=i18n.gettext("Plan an event"),
            association=association,
            kinds={key: i18n.gettext(text) for key, text in KINDS.items()},
            languages=LANGUAGES,
            audiences={key: i18n.gettext(text) for key, text in AUDIENCE.items()},
            accessibility={key: i18n.gettext(text) for key, text in ACCESSIBILITY.items()},
            durations=DURATIONS,
            values=values,
            errors=errors,
        )

    @post("/new", operation_id="admin_plan_event")
    async def plan(self, request: AnyRequest, association_id: FromPath[UUID]) -> Template | Redirect:
        if not await has_role(request, "admin", association_id):
            return forbidden(request)
        values = await form_of(request)
        chosen = {name: await form_list(request, name) for name in ("languages", "audience", "accessibility")}
        association = await association_of(request, association_id)
        body, errors = planned(values, chosen, association.get("time_zone") or "UTC")
        if errors:
            return await self._new(request, association_id, {**values, **chosen}, errors)
        response = await call(
            request, "events", "POST", "/conferences/", json={**body, "association_id": str(association_id)}
        )
        if not response.is_success:
            errors = {"title": not_possible(response)}
            return await self._new(request, association_id, {**values, **chosen}, errors)
        notice(request, i18n.gettext("Saved as a draft: nobody sees it until you publish it."))
        return redirect(f"/admin/{association_id}/events/{response.json()['conference_id']}")

    @get("/{conference_id:uuid}", operation_id="page_admin_event")
    async def event(
        self, request: AnyRequest, association_id: FromPath[UUID], conference_id: FromPath[UUID]
    ) -> Template:
        if not await has_role(request, "admin", association_id):
            return forbidden(request)
        return await self._event(request, association_id, conference_id)

    async def _event(
        self,
        request: AnyRequest,
        association_id: UUID,
        conference_id: UUID,
        errors: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
    ) -> Template:
        conference = await call(request, "events", "GET", f"/conferences/{conference_id}")
        found = await call(request, "events", "GET", f"/conferences/{conference_id}/registrants")
        if not conference.is_success or not found.is_success:
            return forbidden(request)
        registrants = found.json()
        people = registrants["registrants"][:NAMES_SHOWN]
        names = await asyncio.gather(*(self._name(request, association_id, p["member_id"]) for p in people))
        return render(
            request,
            "admin/event.html",
            title=conference.json()["title"],
            association=await association_of(request, association_id),
            conference=conference.json(),
            registrants=[{**p, "name": name} for p, name in zip(people, names, strict=True)],
            more=len(registrants["registrants"]) - len(people),
            yours=registrants["yours"],
            comments=registrants["comments"],
            ended=has_ended(conference.json(), deps_of(request).clock()),
            all_hosts=registrants["all_hosts"],
            statuses={key: i18n.gettext(text) for key, text in REGISTRANT_STATUSES.items()},
            needs_in_words=lambda keys: words(NEEDS, keys),
            errors=errors,
            values=values,
        )

    @staticmethod
    async def _name(request: AnyRequest, association_id: UUID, member_id: str) -> str:
        response = await call(request, "membership", "GET", f"/associations/{association_id}/members/{member_id}")
        return str(response.json().get("display_name", "")) if response.is_success else i18n.gettext("A member")

    @post("/{conference_id:uuid}", operation_id="admin_change_event")
    async def change(
        self, request: AnyRequest, association_id: FromPath[UUID], conference_id: FromPath[UUID]
    ) -> Template | Redirect:
        """Publish the draft, give the link to join, or call the event off (with a reason people are told)."""
        if not await has_role(request, "admin", association_id):
            return forbidden(request)
        values = await form_of(request)
        action = values.get("action")
        if action == "publish":
            response = await call(request, "events", "POST", f"/conferences/{conference_id}/publish", json={})
            done = N_("Published: members can register, and those it is for are told.")
        elif action == "join_link":
            url = values.get("url", "")
            if not _https(url):
                errors = {"url": i18n.gettext("Give the meeting's address, starting with https://")}
                return await self._event(request, association_id, conference_id, errors, values)
            response = await call(
                request, "events", "PUT", f"/conferences/{conference_id}/join-link", json={"url": url}
            )
            done = N_("Saved: people with a place see the link from 30 minutes before the start.")
        elif action == "materials":
            links = {key: values.get(key, "") for key in ("recording_url", "slides_url") if values.get(key)}
            wrong = {key: url for key, url in links.items() if not _https(url)}
            if wrong or not links:
                message = i18n.gettext("Give at least one address, starting with https://")
                errors = {key: message for key in wrong} or {"recording_url": message}
                return await self._event(request, association_id, conference_id, errors, values)
            response = await call(request, "events", "POST", f"/conferences/{conference_id}/materials", json=links)
            done = N_("Shared: everyone who had a place is told, and asked for their feedback.")
        elif action == "edit":
            title = " ".join(values.get("title", "").split())
            capacity = int(values["capacity"]) if values.get("capacity", "").isdigit() else 0
            errors = {}
            if not 3 <= len(title) <= 200:
                errors["title"] = i18n.gettext("Give a title of 3 to 200 characters")
            if not 1 <= capacity <= 100_000:
                errors["capacity"] = i18n.gettext("Give the number of places, from 1")
            if errors:
                return await self._event(request, association_id, conference_id, errors, values)
            body = {"title": title, "description": values.get("description", "")[:10_000], "capacity": capacity}
            response = await call(request, "events", "PATCH", f"/conferences/{conference_id}", json=body)
            done = N_("Saved. If you added places, they are offered at once to those waiting.")
        elif action == "reschedule":
            conference = (await call(request, "events", "GET", f"/conferences/{conference_id}")).json()
            moved, errors = _moved(values, conference)
            if errors:
                return await self._event(request, association_id, conference_id, errors, values)
            response = await call(request, "events", "POST", f"/conferences/{conference_id}/reschedule", json=moved)
            done = N_("Moved: everyone registered or waiting is told, and their calendar follows.")
        elif action == "cancel":
            if values.get("confirm") != "yes":
                errors = {"confirm": i18n.gettext("Tick the box to say you want to call the event off")}
                return await self._event(request, association_id, conference_id, errors, values)
            body = {"reason": values.get("reason", "")[:500]}
            response = await call(request, "events", "POST", f"/conferences/{conference_id}/cancel", json=body)
            done = N_("The event is called off; everyone registered or waiting is told.")
        else:
            return redirect(f"/admin/{association_id}/events/{conference_id}")
        if response.is_success:
            notice(request, i18n.gettext(done))
        else:
            notice(request, not_possible(response))
        return redirect(f"/admin/{association_id}/events/{conference_id}")
