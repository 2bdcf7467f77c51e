"""The signed-in home page and onboarding, one question per page: consents, association, profile,
conditions, weekly availability, and whether to ask for a mentor (with a check-your-answers page)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from gateway import i18n
from gateway.entrypoints.http.pages import (
    AnyRequest,
    bearer,
    call,
    form_list,
    form_of,
    notice,
    redirect,
    render,
    signed_in,
)
from gateway.entrypoints.http.public import associations_list
from gateway.i18n import N_

CONSENTS = [  # kind, what it lets us do, in plain words
    (
        "health_data",
        N_("Keep my conditions and diagnosis year"),
        N_(
            "So that we can find people who have lived with the same condition. Only you and the people you agree to can see them."
        ),
    ),
    (
        "peer_matching",
        N_("Find me a peer mentor, or people I can mentor"),
        N_("We compare your conditions, languages and free time with other members of your association."),
    ),
    (
        "federation_matching",
        N_("Also look in other associations of the federation"),
        N_("Useful for rare conditions, when nobody in your association has the same one."),
    ),
    (
        "email",
        N_("Send me e-mails"),
        N_("About mentoring and events. You can choose which ones later, and there is always a link to stop them."),
    ),
]
WEEKDAYS = [N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday")]
PARTS_OF_DAY = {  # name → (label, start, end) in the person's own time
    "morning": (N_("Morning (9 am to 12 noon)"), "09:00", "12:00"),
    "afternoon": (N_("Afternoon (2 pm to 5 pm)"), "14:00", "17:00"),
    "evening": (N_("Evening (6 pm to 9 pm)"), "18:00", "21:00"),
}
LANGUAGES = {
    "fr": "Français",
    "en": "English",
    "es": "Español",
    "de": "Deutsch",
    "it": "Italiano",
    "pt": "Português",
    "ar": "العربية",
}
TIME_ZONES = [
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/Luxembourg",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Berlin",
    "Europe/Rome",
    "America/Montreal",
    "America/Toronto",
    "America/New_York",
    "America/Martinique",
    "America/Guadeloupe",
    "Indian/Reunion",
    "Africa/Casablanca",
    "Africa/Dakar",
    "Pacific/Noumea",
    "Pacific/Tahiti",
    "UTC",
]
MODALITIES = {"video": N_("Video call"), "phone": N_("Telephone"), "chat": N_("Written messages")}


async def me_of(request: AnyRequest) -> dict[str, Any]:
    return dict((await call(request, "membership", "GET", "/me")).json())


async def consents_of(request: AnyRequest) -> dict[str, dict[str, Any]]:
    found = (await call(request, "membership", "GET", "/me/consents")).json()
    return {c["kind"]: c for c in found["consents"]}


def first_association(me: dict[str, Any]) -> dict[str, Any] | None:
    active = [m for m in me["memberships"] if m["status"] in {"active", "pending"}]
    return active[0] if active else None


def render_profile(
    request: AnyRequest, values: dict[str, str], chosen_languages: set[str], errors: dict[str, str] | None = None
) -> Template:
    return render(
        request,
        "welcome/profile.html",
        title=i18n.gettext("About you"),
        errors=errors,
        values=values,
        chosen_languages=chosen_languages,
        languages=LANGUAGES,
        time_zones=TIME_ZONES,
    )


class WelcomeController(Controller):
    path = "/"
    include_in_schema = False

    @get("/home", operation_id="page_member_home")
    async def home(self, request: AnyRequest) -> Template:
        session = signed_in(request)
        me = await me_of(request)
        session.put("display_name", me["profile"]["display_name"])
        unread = (await call(request, "notifications", "GET", "/me/inbox/unread-count")).json()["unread_count"]
        admin_of = [m for m in me["memberships"] if "admin" in m.get("roles", [])]
        return render(
            request,
            "welcome/home.html",
            title=i18n.gettext("Your Fellowship"),
            me=me,
            unread_count=unread,
            admin_of=admin_of,
            federation_admin="federation_admin" in me["federation_roles"],
        )

    # -- 1. consents -------------------------------------------------------------------------------
    @get("/welcome", operation_id="page_welcome_consents")
    async def consents_page(self, request: AnyRequest) -> Template:
        signed_in(request)
        current = await consents_of(request)
        return render(
            request,
            "welcome/consents.html",
            title=i18n.gettext("What may Fellowship use?"),
            consents=CONSENTS,
            granted={kind for kind, c in current.items() if c["granted"]},
        )

    @post("/welcome", operation_id="save_welcome_consents")
    async def save_consents(self, request: AnyRequest) -> Redirect:
        signed_in(request)
        chosen = set(await form_list(request, "consent"))
        current = await consents_of(request)
        for kind, state in current.items():
            if state["granted"] != (kind in chosen) or state["needs_answer"]:
                body = {"kind": kind, "granted": kind in chosen, "version": state["current_version"]}
                await call(request, "membership", "POST", "/me/consents", json=body)
        me = await me_of(request)
        return redirect("/welcome/profile" if me["memberships"] else "/welcome/association")

    # -- 2. association --------------------------------------------------------------------------
    @get("/welcome/association", operation_id="page_welcome_association")
    async def association_page(self, request: AnyRequest) -> Template:
        signed_in(request)
        return render(
            request,
            "welcome/association.html",
            title=i18n.gettext("Which association would you like to join?"),
            associations=await associations_list(request),
        )

    @post("/welcome/association", operation_id="join_association")
    async def join(self, request: AnyRequest) -> Template | Redirect:
        signed_in(request)
        chosen = (await form_of(request)).get("association_id", "")
        associations = await associations_list(request)
        if chosen not in {a["association_id"] for a in associations}:
            return render(
                request,
                "welcome/association.html",
                title=i18n.gettext("Which association would you like to join?"),
                associations=associations,
                errors={"association_id": i18n.gettext("Choose an association")},
            )
        response = await call(request, "membership", "POST", f"/associations/{UUID(chosen)}/join", json={})
        if response.status_code not in {200, 201, 409}:
            return render(
                request,
                "welcome/association.html",
                title=i18n.gettext("Which association would you like to join?"),
                associations=associations,
                errors={"association_id": i18n.gettext("We could not add you to this association. Try again later.")},
            )
        await bearer(request, force=True)  # the new token carries the membership (and the session a new id)
        return redirect("/welcome/profile")

    # -- 3. profile ------------------------------------------------------------------------------
    @get("/welcome/profile", operation_id="page_welcome_profile")
    async def profile_page(self, request: AnyRequest) -> Template:
        signed_in(request)
        profile = (await me_of(request))["profile"]
        values = {"display_name": profile["display_name"], "time_zone": profile["time_zone"], "kind": profile["kind"]}
        return render_profile(request, values, set(profile["languages"]) or {i18n.current()})

    @post("/welcome/profile", operation_id="save_welcome_profile")
    async def save_profile(self, request: AnyRequest) -> Template | Redirect:
        session = signed_in(request)
        values = await form_of(request)
        languages = [code for code in await form_list(request, "languages") if code in LANGUAGES]
        errors: dict[str, str] = {}
        if not values.get("display_name"):
            errors["display_name"] = i18n.gettext("Enter the name other members will see")
        if not languages:
            errors["languages"] = i18n.gettext("Choose at least one language you can talk in")
        if values.get("time_zone") not in TIME_ZONES:
            errors["time_zone"] = i18n.gettext("Choose your time zone")
        if values.get("kind") not in {"patient", "caregiver"}:
            errors["kind"] = i18n.gettext("Say whether you live with the condition or care for someone who does")
        if errors:
            return render_profile(request, values, set(languages), errors)
        body = {
            "display_name": values["display_name"],
            "languages": languages,
            "time_zone": values["time_zone"],
            "kind": values["kind"],
            "locale": i18n.current(),
        }
        response = await call(request, "membership", "PATCH", "/me/profile", json=body)
        if not response.is_success:
            errors = {"display_name": i18n.gettext("Use letters and spaces in your name, up to 80 characters.")}
            return render_profile(request, values, set(languages), errors)
        session.put("display_name", values["display_name"])
        session.put("locale", i18n.current())
        session.put("time_zone", values["time_zone"])
        return redirect("/welcome/conditions")

    # -- 4. conditions ---------------------------------------------------------------------------
    @get("/welcome/conditions", operation_id="page_welcome_conditions")
    async def conditions_page(self, request: AnyRequest, q: FromQuery[str] = "") -> Template:
        signed_in(request)
        return await self._conditions(request, q)

    async def _conditions(self, request: AnyRequest, q: str, errors: dict[str, str] | None = None) -> Template:
        consents = await consents_of(request)
        allowed = consents["health_data"]["granted"]
        mine: list[dict[str, Any]] = []
        if allowed:
            mine = (await call(request, "membership", "GET", "/me/conditions")).json()["conditions"]
        found: list[dict[str, Any]] = []
        if q and allowed:
            response = await call(
                request, "membership", "GET", "/conditions/search", params={"q": q[:100], "limit": 10}
            )
            found = response.json() if response.is_success else []
        return render(
            request,
            "welcome/conditions.html",
            title=i18n.gettext("Your conditions"),
            allowed=allowed,
            mine=mine,
            found=found,
            q=q,
            errors=errors,
            searched=bool(q),
        )

    @post("/welcome/conditions", operation_id="change_welcome_conditions")
    async def change_conditions(self, request: AnyRequest) -> Template | Redirect:
        signed_in(request)
        values = await form_of(request)
        current = (await call(request, "membership", "GET", "/me/conditions")).json()["conditions"]
        if code := values.get("remove"):
            wanted = [c for c in current if c["code"] != code]
        else:
            year = values.get("diagnosed_year", "")
            if not (year.isdigit() and 1900 <= int(year) <= 2100):
                return await self._conditions(
                    request,
                    values.get("q", ""),
                    {"diagnosed_year": i18n.gettext("Enter the year of the diagnosis, for example 2019")},
                )
            wanted = [c for c in current if c["code"] != values.get("code")]
            wanted.append({"code": values.get("code", ""), "diagnosed_year": int(year)})
        response = await call(request, "membership", "PUT", "/me/conditions", json={"conditions": wanted})
        if not response.is_success:
            return await self._conditions(
                request,
                values.get("q", ""),
                {
                    "diagnosed_year": i18n.gettext(
                        "This year is not possible: it must be after your birth and not in the future."
                    )
                },
            )
        return redirect("/welcome/conditions")

    # -- 5. availability -------------------------------------------------------------------------
    @get("/welcome/availability", operation_id="page_welcome_availability")
    async def availability_page(self, request: AnyRequest) -> Template:
        signed_in(request)
        windows = (await call(request, "membership", "GET", "/me/availability")).json()["windows"]
        chosen = {
            f"{w['weekday']}-{name}"
            for w in windows
            for name, (_, start, end) in PARTS_OF_DAY.items()
            if w["start"][:5] == start and w["end"][:5] == end
        }
        me = await me_of(request)
        return render(
            request,
            "welcome/availability.html",
            title=i18n.gettext("When are you usually free?"),
            weekdays=WEEKDAYS,
            parts=PARTS_OF_DAY,
            chosen=chosen,
            time_zone=me["profile"]["time_zone"],
        )

    @post("/welcome/availability", operation_id="save_welcome_availability")
    async def save_availability(self, request: AnyRequest) -> Redirect:
        signed_in(request)
        windows = []
        for slot in await form_list(request, "slot"):
            day, _, part = slot.partition("-")
            if day.isdigit() and int(day) < 7 and part in PARTS_OF_DAY:
                _, start, end = PARTS_OF_DAY[part]
                windows.append({"weekday": int(day), "start": start, "end": end})
        await call(request, "membership", "PUT", "/me/availability", json={"windows": windows})
        return redirect("/welcome/mentor")

    # -- 6. ask for a mentor ----------------------------------------------------------------------
    @get("/welcome/mentor", operation_id="page_welcome_mentor")
    async def mentor_page(self, request: AnyRequest) -> Template:
        signed_in(request)
        return render(
            request, "welcome/mentor.html", title=i18n.gettext("Would you like a peer mentor?"), modalities=MODALITIES
        )

    @post("/welcome/mentor", operation_id="answer_welcome_mentor")
    async def mentor_answer(self, request: AnyRequest) -> Template | Redirect:
        session = signed_in(request)
        values = await form_of(request)
        if values.get("wants") not in {"yes", "no"}:
            return render(
                request,
                "welcome/mentor.html",
                title=i18n.gettext("Would you like a peer mentor?"),
                modalities=MODALITIES,
                errors={"wants": i18n.gettext("Choose yes or no")},
                values=values,
            )
        if values["wants"] == "no":
            notice(
                request, i18n.gettext("You are all set. You can ask for a mentor at any time from the Mentoring page.")
            )
            return redirect("/home")
        session.put("mentor_modality", values.get("modality") if values.get("modality") in MODALITIES else None)
        return redirect("/welcome/check")

    @get("/welcome/check", operation_id="page_welcome_check")
    async def check_page(self, request: AnyRequest) -> Template:
        session = signed_in(request)
        me = await me_of(request)
        consents = await consents_of(request)
        conditions = []
        if consents["health_data"]["granted"]:
            conditions = (await call(request, "membership", "GET", "/me/conditions")).json()["conditions"]
        windows = (await call(request, "membership", "GET", "/me/availability")).json()["windows"]
        return render(
            request,
            "welcome/check.html",
            title=i18n.gettext("Check your answers before asking for a mentor"),
            me=me,
            consents=consents,
            conditions=conditions,
            windows=windows,
            weekdays=WEEKDAYS,
            modality=session.data.get("mentor_modality"),
            modalities=MODALITIES,
            association=first_association(me),
            languages=LANGUAGES,
        )

    @post("/welcome/check", operation_id="send_mentor_request")
    async def send_request(self, request: AnyRequest) -> Template | Redirect:
        session = signed_in(request)
        me = await me_of(request)
        membership = first_association(me)
        if membership is None:
            return redirect("/welcome/association")
        preferences: dict[str, Any] = {}
        if modality := session.data.get("mentor_modality"):
            preferences["modality"] = modality
        body = {"association_id": membership["association_id"], "preferences": preferences}
        response = await call(request, "matching", "POST", "/requests", json=body)
        if response.status_code not in {200, 201}:
            notice(request, request_refusal(response.status_code))
            return redirect("/mentoring")
        notice(request, i18n.gettext("Your request has been sent. We will tell you as soon as a mentor is found."))
        return redirect("/mentoring")


def request_refusal(status: int) -> str:
    if status == 409:
        return i18n.gettext("You already have a request waiting. You can see it below.")
    if status == 403:
        return i18n.gettext("To ask for a mentor, agree to peer matching first (on the first step of your profile).")
    return i18n.gettext("Your association is still setting up your membership. Try again in a minute.")
