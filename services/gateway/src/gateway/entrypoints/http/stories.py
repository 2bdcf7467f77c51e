"""Patient stories in the web client: stories for me (about my conditions first, or found by words), one
story with "this helped me", write my story (one thing at a time, with the consent in plain words), my
stories with the moderators' notes and withdrawal, and the moderators' queue."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from gateway import i18n
from gateway.entrypoints.http.events import words
from gateway.entrypoints.http.pages import (
    AnyRequest,
    call,
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
from gateway.entrypoints.http.welcome import first_association, me_of
from gateway.i18n import N_

TOPICS = {
    "diagnosis": N_("Diagnosis"),
    "treatment": N_("Treatment"),
    "work": N_("Work"),
    "family": N_("Family"),
    "coping": N_("Coping day to day"),
    "caring": N_("Caring for someone"),
}
VISIBILITY = {
    "association": N_("Members of my association"),
    "federation": N_("Members of every association of the federation"),
    "public": N_("Anyone, even without an account"),
}
STATUSES = {
    "pending": N_("Waiting for a moderator: nobody else has read it"),
    "changes_requested": N_("A moderator suggests a change"),
    "published": N_("Published"),
    "declined": N_("Not published"),
}
DECISIONS = {
    "publish": N_("Publish it"),
    "ask_changes": N_("Ask the author for a change"),
    "decline": N_("Do not publish it"),
}


def marked(text: str, findings: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """The text in pieces, each with whether it may identify someone (for the moderator and the author)."""
    pieces, at = [], 0
    for finding in sorted(findings, key=lambda f: f["start"]):
        if finding["start"] >= at:
            pieces += [(text[at : finding["start"]], False), (text[finding["start"] : finding["end"]], True)]
            at = finding["end"]
    return [*pieces, (text[at:], False)]


def _moderates(request: AnyRequest) -> bool:
    return holds_role(request, "moderator") or holds_role(request, "admin")


class StoriesController(Controller):
    path = "/stories"
    include_in_schema = False

    @get("/", operation_id="page_stories")
    async def overview(self, request: AnyRequest) -> Template:
        signed_in(request)
        q = (request.query_params.get("q") or "").strip()[:200]
        conditions = (await call(request, "membership", "GET", "/me/conditions")).json()["conditions"]
        params: dict[str, Any] = {"condition": [c["code"] for c in conditions]}
        if q:
            params["q"] = q
        found = (await call(request, "community", "GET", "/stories", params=params)).json()
        return render(
            request,
            "stories/overview.html",
            title=i18n.gettext("Stories of members"),
            stories=found,
            q=q,
            moderates=_moderates(request),
            topics_in_words=lambda keys: words(TOPICS, keys),
        )

    @get("/{story_id:uuid}", operation_id="page_story")
    async def story(self, request: AnyRequest, story_id: FromPath[UUID]) -> Template:
        signed_in(request)
        response = await call(request, "community", "GET", f"/stories/{story_id}")
        story = response.json() if response.is_success else None
        return render(
            request,
            "stories/story.html",
            title=story["title"] if story else i18n.gettext("This story is not available"),
            status=200 if story else 404,
            story=story,
            topics_in_words=lambda keys: words(TOPICS, keys),
        )

    @post("/{story_id:uuid}/helped", operation_id="story_helped_me")
    async def helped(self, request: AnyRequest, story_id: FromPath[UUID]) -> Redirect:
        signed_in(request)
        response = await call(request, "community", "POST", f"/stories/{story_id}/helped", json={})
        notice(
            request,
            i18n.gettext("Thank you: the author will see that it helped someone.")
            if response.is_success
            else not_possible(response),
        )
        return redirect(f"/stories/{story_id}")

    @get("/new", operation_id="page_write_story")
    async def new(self, request: AnyRequest) -> Template:
        signed_in(request)
        return await self._form(request, {"language": i18n.current(), "visibility": "association"})

    async def _form(
        self, request: AnyRequest, values: dict[str, Any], errors: dict[str, str] | None = None
    ) -> Template:
        conditions = (await call(request, "membership", "GET", "/me/conditions")).json()["conditions"]
        return render(
            request,
            "stories/new.html",
            title=i18n.gettext("Write your story"),
            errors=errors,
            values=values,
            conditions=conditions,
            topics={key: i18n.gettext(text) for key, text in TOPICS.items()},
            visibilities={key: i18n.gettext(text) for key, text in VISIBILITY.items()},
        )

    @post("/new", operation_id="write_story")
    async def write(self, request: AnyRequest) -> Template | Redirect:
        session = signed_in(request)
        values: dict[str, Any] = dict(await form_of(request))
        values["topics"] = [t for t in await form_list(request, "topics") if t in TOPICS]
        values["conditions"] = await form_list(request, "conditions")
        errors: dict[str, str] = {}
        pen_name = " ".join(values.get("pen_name", "").split())
        real_name = (session.data.get("display_name") or "").strip().lower()
        if not 2 <= len(pen_name) <= 60:
            errors["pen_name"] = i18n.gettext("Choose a pen name of 2 to 60 characters")
        elif real_name and (pen_name.lower() == real_name or real_name in pen_name.lower()):
            errors["pen_name"] = i18n.gettext(
                "Choose a pen name that is not your name: readers should not know who you are"
            )
        title = " ".join(values.get("title", "").split())
        if not 3 <= len(title) <= 150:
            errors["title"] = i18n.gettext("Give a title of 3 to 150 characters")
        body = values.get("body", "").strip()
        if len(body) < 20:
            errors["body"] = i18n.gettext("Write your story in a few sentences at least")
        elif len(body.split()) > 1000:
            errors["body"] = i18n.gettext("A story is up to 1,000 words; yours has %(n)s") % {"n": len(body.split())}
        if values.get("visibility") not in VISIBILITY:
            errors["visibility"] = i18n.gettext("Choose who may read it")
        if values.get("consent") != "yes":
            errors["consent"] = i18n.gettext("Tick the box to agree to its publication, or keep your story for later")
        me = await me_of(request)
        membership = first_association(me)
        if membership is None:
            errors["pen_name"] = i18n.gettext(
                "Join an association first: its moderators read stories before they are published"
            )
        if errors or membership is None:
            return await self._form(request, values, errors)
        story = {
            "association_id": membership["association_id"],
            "pen_name": pen_name,
            "title": title,
            "body": body[:12_000],
            "language": "fr" if values.get("language") == "fr" else "en",
            "topics": values["topics"],
            "conditions": values["conditions"],
            "visibility": values["visibility"],
            "consent": True,
        }
        response = await call(request, "community", "POST", "/stories", json=story)
        if not response.is_success:
            reason = detail_of(response) or i18n.gettext("please try again")
            return await self._form(
                request, values, {"body": i18n.gettext("We could not send your story: %(reason)s") % {"reason": reason}}
            )
        if response.json().get("at_risk"):
            thanks = N_("Thank you for sharing this. Please read the help below: you do not have to face this alone.")
        else:
            thanks = N_(
                "Thank you. A moderator of your association will read your story; we will tell you when it is published."
            )
        notice(request, i18n.gettext(thanks))
        return redirect("/stories/mine")

    @get("/mine", operation_id="page_my_stories")
    async def mine(self, request: AnyRequest) -> Template:
        signed_in(request)
        return await self._mine(request)

    async def _mine(self, request: AnyRequest, errors: dict[str, str] | None = None) -> Template:
        found = (await call(request, "community", "GET", "/me/stories")).json()
        return render(
            request,
            "stories/mine.html",
            title=i18n.gettext("Your stories"),
            errors=errors,
            stories=found,
            statuses={key: i18n.gettext(text) for key, text in STATUSES.items()},
            marked=marked,
        )

    @post("/{story_id:uuid}/withdraw", operation_id="withdraw_my_story")
    async def withdraw(self, request: AnyRequest, story_id: FromPath[UUID]) -> Template | Redirect:
        signed_in(request)
        if (await form_of(request)).get("confirm") != "yes":
            return await self._mine(
                request, {f"confirm-{story_id}": i18n.gettext("Tick the box to say you want to withdraw it")}
            )
        response = await call(request, "community", "DELETE", f"/stories/{story_id}")
        notice(
            request,
            i18n.gettext("Your story is withdrawn: it is deleted everywhere.")
            if response.is_success
            else not_possible(response),
        )
        return redirect("/stories/mine")

    @get("/moderation", operation_id="page_story_moderation")
    async def moderation(self, request: AnyRequest) -> Template:
        signed_in(request)
        return await self._moderation(request)

    async def _moderation(
        self, request: AnyRequest, errors: dict[str, str] | None = None, values: dict[str, Any] | None = None
    ) -> Template:
        response = await call(request, "community", "GET", "/moderation/stories")
        return render(
            request,
            "stories/moderation.html",
            title=i18n.gettext("Stories waiting for a moderator"),
            status=200 if response.is_success else 403,
            errors=errors,
            values=values,
            stories=response.json() if response.is_success else [],
            allowed=response.is_success,
            decisions={key: i18n.gettext(text) for key, text in DECISIONS.items()},
            visibilities={key: i18n.gettext(text) for key, text in VISIBILITY.items()},
            marked=marked,
            topics_in_words=lambda keys: words(TOPICS, keys),
        )

    @post("/{story_id:uuid}/decision", operation_id="decide_on_story")
    async def decide(self, request: AnyRequest, story_id: FromPath[UUID]) -> Template | Redirect:
        signed_in(request)
        values = await form_of(request)
        decision, note = values.get("decision"), " ".join(values.get("note", "").split())[:1000]
        if decision not in DECISIONS:
            return await self._moderation(
                request, {f"decision-{story_id}": i18n.gettext("Choose what to do with the story")}, values
            )
        if decision != "publish" and not note:
            errors = {
                f"note-{story_id}": i18n.gettext("Say in a few words what to change, or why: the author reads it")
            }
            return await self._moderation(request, errors, values)
        response = await call(
            request, "community", "POST", f"/stories/{story_id}/decision", json={"decision": decision, "note": note}
        )
        if response.is_success:
            done = {
                "publish": i18n.gettext("Published. The author is told."),
                "ask_changes": i18n.gettext("The author is told what to change."),
                "decline": i18n.gettext("Not published. The author can read why."),
            }
            notice(request, done[decision])
        else:
            notice(request, not_possible(response))
        return redirect("/stories/moderation")
