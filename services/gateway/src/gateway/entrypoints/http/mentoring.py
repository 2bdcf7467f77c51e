"""Peer mentoring: my request (with the honest reason and wait when unmatched), proposals for mentors with
their explanation in words, accept or decline with a reason, my mentorships (end, feedback), and the
mentor's own side (apply, pause, capacity)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from gateway import i18n
from gateway.entrypoints.http.events import upcoming
from gateway.entrypoints.http.pages import (
    AnyRequest,
    call,
    form_list,
    form_of,
    not_possible,
    notice,
    redirect,
    render,
    signed_in,
)
from gateway.entrypoints.http.welcome import MODALITIES, first_association, me_of
from gateway.i18n import N_

UNMATCHED = {  # matching's reason (shared.contracts.matching.UnmatchedReason) → plain words
    "no_consent": N_("You have not agreed to peer matching yet, so we cannot look for a mentor."),
    "no_mentor_for_condition": N_("No mentor has lived with your condition yet. New mentors join every month."),
    "no_shared_language": N_("The mentors for your condition do not speak your languages yet."),
    "no_availability_overlap": N_(
        "The mentors for your condition are not free at the times you gave. Adding more times helps."
    ),
    "all_mentors_full": N_("The right mentors for you are all busy at the moment. You are next in line."),
}
BREAKDOWN = {
    "condition": N_("You have lived with the same or a closely related condition."),
    "availability": N_("You are free at the same times of the week."),
    "preferences": N_("It fits the wishes given (how to talk, age, gender)."),
    "waiting": N_("They have been waiting for a while."),
}


def in_words(breakdown: dict[str, float]) -> list[str]:
    return [i18n.gettext(text) for key, text in BREAKDOWN.items() if breakdown.get(key, 0) > 0]


def reason_in_words(reason: str | None) -> str:
    if not reason:
        return i18n.gettext("We are looking for the best mentor for you.")
    return i18n.gettext(UNMATCHED.get(reason, N_("We are looking for the best mentor for you.")))


class MentoringController(Controller):
    path = "/mentoring"
    include_in_schema = False

    @get("/", operation_id="page_mentoring")
    async def overview(self, request: AnyRequest) -> Template:
        signed_in(request)
        me = await me_of(request)
        requests = (await call(request, "matching", "GET", "/me/requests")).json()
        proposals = (await call(request, "matching", "GET", "/me/proposals")).json()
        mentorships = (await call(request, "matching", "GET", "/me/mentorships")).json()
        meanwhile: list[dict[str, Any]] = []
        if any(r["status"] == "open" for r in requests):  # no dead ends: events for their conditions, while waiting
            coming = await upcoming(request)
            meanwhile = [c for c in coming if c["for_your_conditions"]][:3]
        return render(
            request,
            "mentoring/overview.html",
            title=i18n.gettext("Peer mentoring"),
            me=me,
            requests=requests,
            mentorships=mentorships,
            waiting=[p for p in proposals if p["status"] == "proposed" and p["role"] == "mentor"],
            mine_proposed=[p for p in proposals if p["status"] == "proposed" and p["role"] == "mentee"],
            in_words=in_words,
            reason_in_words=reason_in_words,
            association=first_association(me),
            meanwhile=meanwhile,
        )

    @post("/request", operation_id="ask_for_mentor_again")
    async def ask(self, request: AnyRequest) -> Redirect:
        signed_in(request)
        return redirect("/welcome/mentor")

    @get("/proposals/{match_id:uuid}", operation_id="page_proposal")
    async def proposal(self, request: AnyRequest, match_id: FromPath[UUID]) -> Template:
        signed_in(request)
        return await self._proposal(request, match_id)

    async def _proposal(self, request: AnyRequest, match_id: UUID, errors: dict[str, str] | None = None) -> Template:
        proposals = (await call(request, "matching", "GET", "/me/proposals")).json()
        found = next((p for p in proposals if p["match_id"] == str(match_id)), None)
        return render(
            request,
            "mentoring/proposal.html",
            title=i18n.gettext("Someone would like you as their mentor"),
            status=200 if found else 404,
            proposal=found,
            reasons=in_words(found["breakdown"]) if found else [],
            errors=errors,
        )

    @post("/proposals/{match_id:uuid}", operation_id="answer_proposal")
    async def answer(self, request: AnyRequest, match_id: FromPath[UUID]) -> Template | Redirect:
        signed_in(request)
        values = await form_of(request)
        if values.get("answer") == "accept":
            response = await call(request, "matching", "POST", f"/proposals/{match_id}/accept", json={})
            if response.is_success:
                notice(
                    request,
                    i18n.gettext(
                        "Thank you. You are now their mentor; we have introduced you to each other by e-mail."
                    ),
                )
                return redirect("/mentoring")
        elif values.get("answer") == "decline":
            if not values.get("reason"):
                return await self._proposal(
                    request, match_id, {"reason": i18n.gettext("Say briefly why, so that we can find someone else")}
                )
            response = await call(
                request, "matching", "POST", f"/proposals/{match_id}/decline", json={"reason": values["reason"][:1000]}
            )
            if response.is_success:
                notice(request, i18n.gettext("Thank you. We will look for another mentor for them."))
                return redirect("/mentoring")
        else:
            return await self._proposal(request, match_id, {"answer": i18n.gettext("Choose accept or decline")})
        notice(request, i18n.gettext("This proposal is no longer open."))
        return redirect("/mentoring")

    @post("/mentorships/{match_id:uuid}/end", operation_id="end_mentorship")
    async def end(self, request: AnyRequest, match_id: FromPath[UUID]) -> Redirect:
        signed_in(request)
        values = await form_of(request)
        outcome = "completed" if values.get("outcome") == "completed" else "ended_early"
        body = {"outcome": outcome, "reason": values.get("reason", "")[:1000]}
        response = await call(request, "matching", "POST", f"/mentorships/{match_id}/end", json=body)
        if response.is_success:
            notice(request, i18n.gettext("The mentorship has ended. You can tell us how it went below."))
        else:
            notice(request, not_possible(response))
        return redirect("/mentoring")

    @post("/mentorships/{match_id:uuid}/feedback", operation_id="mentorship_feedback")
    async def feedback(self, request: AnyRequest, match_id: FromPath[UUID]) -> Redirect:
        signed_in(request)
        values = await form_of(request)
        rating = values.get("rating", "")
        if rating not in {"1", "2", "3", "4", "5"}:
            notice(request, i18n.gettext("Choose how helpful it was, from 1 to 5, then send your feedback."))
            return redirect("/mentoring")
        body = {"rating": int(rating), "comment": values.get("comment", "")[:2000]}
        response = await call(request, "matching", "POST", f"/mentorships/{match_id}/feedback", json=body)
        if response.is_success:
            notice(request, i18n.gettext("Thank you for your feedback."))
        else:
            notice(request, not_possible(response))
        return redirect("/mentoring")

    # -- the mentor's own side -----------------------------------------------------------------------
    @get("/apply", operation_id="page_mentor_apply")
    async def apply_page(self, request: AnyRequest) -> Template:
        signed_in(request)
        conditions = (await call(request, "membership", "GET", "/me/conditions")).json()["conditions"]
        return render(
            request,
            "mentoring/apply.html",
            title=i18n.gettext("Become a peer mentor"),
            conditions=conditions,
            modalities=MODALITIES,
        )

    @post("/apply", operation_id="mentor_apply")
    async def apply(self, request: AnyRequest) -> Template | Redirect:
        signed_in(request)
        values = await form_of(request)
        codes = await form_list(request, "conditions")
        modalities = [m for m in await form_list(request, "modalities") if m in MODALITIES]
        conditions = (await call(request, "membership", "GET", "/me/conditions")).json()["conditions"]
        errors: dict[str, str] = {}
        if not codes:
            errors["conditions"] = i18n.gettext("Choose at least one condition you have lived with")
        if not modalities:
            errors["modalities"] = i18n.gettext("Choose at least one way to talk")
        capacity = values.get("capacity", "1")
        if capacity not in {"1", "2", "3", "4", "5"}:
            errors["capacity"] = i18n.gettext("Choose between 1 and 5 people")
        me = await me_of(request)
        membership = first_association(me)
        if errors or membership is None:
            return render(
                request,
                "mentoring/apply.html",
                title=i18n.gettext("Become a peer mentor"),
                conditions=conditions,
                modalities=MODALITIES,
                errors=errors or {"conditions": i18n.gettext("Join an association first")},
                values=values,
            )
        body: dict[str, Any] = {
            "conditions": codes,
            "capacity": int(capacity),
            "modalities": modalities,
            "bio": values.get("bio", "")[:1000],
        }
        response = await call(
            request, "membership", "POST", f"/associations/{membership['association_id']}/mentoring", json=body
        )
        if response.status_code not in {200, 201}:
            return render(
                request,
                "mentoring/apply.html",
                title=i18n.gettext("Become a peer mentor"),
                conditions=conditions,
                modalities=MODALITIES,
                values=values,
                errors={"conditions": i18n.gettext("You have already applied, or a condition is not in your profile.")},
            )
        notice(
            request,
            i18n.gettext("Thank you for offering your time. An administrator of your association will reply soon."),
        )
        return redirect("/mentoring")

    @post("/availability", operation_id="mentor_pause_or_capacity")
    async def mentor_settings(self, request: AnyRequest) -> Redirect:
        signed_in(request)
        values = await form_of(request)
        membership = first_association(await me_of(request))
        if membership is None:
            return redirect("/mentoring")
        base = f"/associations/{membership['association_id']}/mentoring"
        if values.get("action") in {"pause", "resume"}:
            await call(request, "membership", "POST", f"{base}/{values['action']}", json={})
            notice(request, i18n.gettext("Saved."))
        elif values.get("capacity") in {"1", "2", "3", "4", "5"}:
            await call(request, "membership", "PUT", f"{base}/capacity", json={"capacity": int(values["capacity"])})
            notice(request, i18n.gettext("Saved."))
        return redirect("/mentoring")
