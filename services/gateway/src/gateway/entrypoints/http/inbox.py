"""The inbox (list, mark read; new messages arrive live through the proxy's stream), notification
preferences with quiet hours, the unsubscribe landing page of e-mail links, and "my data" (download, erase)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway import i18n
from gateway.entrypoints.http.pages import (
    AnyRequest,
    call,
    deps_of,
    form_of,
    notice,
    redirect,
    render,
    session_of,
    signed_in,
)
from gateway.i18n import N_

CATEGORIES = {
    "matching": N_("Peer mentoring"),
    "conferences": N_("Talks and support groups"),
    "community": N_("Your stories"),
    "account": N_("Your account"),
}
CHANNELS = {"email": N_("E-mail"), "inbox": N_("Inbox")}
HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class InboxController(Controller):
    path = "/"
    include_in_schema = False

    @get("/inbox", operation_id="page_inbox")
    async def inbox(self, request: AnyRequest, before: FromQuery[str] = "") -> Template:
        signed_in(request)
        params = {"before": before} if before else {}
        page = (await call(request, "notifications", "GET", "/me/inbox", params=params)).json()
        unread = sum(1 for e in page["entries"] if not e["read"])
        return render(
            request,
            "inbox/inbox.html",
            title=i18n.gettext("Inbox"),
            page=page,
            unread_count=(await call(request, "notifications", "GET", "/me/inbox/unread-count")).json()["unread_count"],
            unread_here=unread,
        )

    @post("/inbox/{entry_id:uuid}/read", operation_id="mark_read")
    async def mark_read(self, request: AnyRequest, entry_id: FromPath[UUID]) -> Template | Redirect:
        signed_in(request)
        response = await call(request, "notifications", "POST", f"/me/inbox/{entry_id}/read")
        if request.headers.get("hx-request") and response.is_success:
            return Template(template_name="inbox/entry.html", context={"entry": response.json(), "csrf_token": ""})
        return redirect("/inbox")

    @post("/inbox/read-all", operation_id="mark_all_read")
    async def mark_all(self, request: AnyRequest) -> Redirect:
        signed_in(request)
        await call(request, "notifications", "POST", "/me/inbox/read-all")
        notice(request, i18n.gettext("All your messages are marked as read."))
        return redirect("/inbox")

    # -- preferences ---------------------------------------------------------------------------------
    @get("/settings/notifications", operation_id="page_notification_settings")
    async def settings(self, request: AnyRequest) -> Template:
        signed_in(request)
        current = (await call(request, "notifications", "GET", "/me/preferences")).json()
        return await self._settings(request, current)

    async def _settings(
        self,
        request: AnyRequest,
        current: dict[str, Any],
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        quiet = current.get("quiet_hours") or {}
        return render(
            request,
            "inbox/settings.html",
            title=i18n.gettext("Messages you receive"),
            current=current,
            categories=CATEGORIES,
            channels=CHANNELS,
            errors=errors,
            values=values or {"start": quiet.get("start", ""), "end": quiet.get("end", "")},
        )

    @post("/settings/notifications", operation_id="save_notification_settings")
    async def save_settings(self, request: AnyRequest) -> Template | Redirect:
        signed_in(request)
        form = await request.form()
        values = await form_of(request)
        choices = {
            category: {channel: f"{category}.{channel}" in form.getall("on", []) for channel in CHANNELS}
            for category in CATEGORIES
        }
        current = (await call(request, "notifications", "PUT", "/me/preferences", json=choices)).json()
        start, end = values.get("start", ""), values.get("end", "")
        if start or end:
            errors = {}
            if not HH_MM.match(start):
                errors["start"] = i18n.gettext("Enter a time like 22:00")
            if not HH_MM.match(end) or end == start:
                errors["end"] = i18n.gettext("Enter a time like 07:00, different from the start")
            if errors:
                return await self._settings(request, current, errors, values)
            await call(request, "notifications", "PUT", "/me/quiet-hours", json={"start": start, "end": end})
        else:
            await call(request, "notifications", "DELETE", "/me/quiet-hours")
        notice(request, i18n.gettext("Your choices are saved."))
        return redirect("/settings/notifications")

    # -- unsubscribe links in e-mails ---------------------------------------------------------------
    @get("/unsubscribe", operation_id="page_unsubscribe")
    async def unsubscribe_page(self, request: AnyRequest, token: FromQuery[str] = "") -> Template:
        """Nothing changes on a GET (mail scanners follow links): a page with one button."""
        response = await deps_of(request).upstream.call("notifications", "GET", "/unsubscribe", params={"token": token})
        valid = response.is_success
        return render(
            request,
            "inbox/unsubscribe.html",
            title=i18n.gettext("Stop these e-mails?"),
            status=200 if valid else 400,
            valid=valid,
            action="/unsubscribe?" + urlencode({"token": token}),
            done=False,
        )

    @post("/unsubscribe", operation_id="unsubscribe")
    async def unsubscribe(self, request: AnyRequest, token: FromQuery[str] = "") -> Template:
        """The page's button, or a mail client's one-click POST (RFC 8058): the token is the proof."""
        response = await deps_of(request).upstream.call(
            "notifications",
            "POST",
            "/unsubscribe",
            params={"token": token},
            content=b"List-Unsubscribe=One-Click",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        done = response.is_success
        return render(
            request,
            "inbox/unsubscribe.html",
            title=i18n.gettext("You will not get these e-mails any more")
            if done
            else i18n.gettext("Stop these e-mails?"),
            status=200 if done else 400,
            valid=done,
            done=done,
            action="",
        )

    # -- my data -------------------------------------------------------------------------------------
    @get("/my-data", operation_id="page_my_data")
    async def my_data(self, request: AnyRequest) -> Template:
        signed_in(request)
        return render(request, "inbox/my_data.html", title=i18n.gettext("Your data"))

    @get("/my-data/download", operation_id="download_my_data")
    async def download(self, request: AnyRequest) -> Response[bytes]:
        signed_in(request)
        response = await call(request, "membership", "GET", "/me/export")
        return Response(
            response.content,
            media_type="application/json",
            headers={"content-disposition": 'attachment; filename="fellowship-my-data.json"'},
        )

    @get("/my-data/erase", operation_id="page_erase")
    async def erase_page(self, request: AnyRequest) -> Template:
        signed_in(request)
        return render(request, "inbox/erase.html", title=i18n.gettext("Erase your account"))

    @post("/my-data/erase", operation_id="erase_account")
    async def erase(self, request: AnyRequest) -> Template | Redirect:
        signed_in(request)
        values = await form_of(request)
        if values.get("confirm") != "yes":
            return render(
                request,
                "inbox/erase.html",
                title=i18n.gettext("Erase your account"),
                errors={"confirm": i18n.gettext("Tick the box to confirm that you want to erase everything")},
            )
        response = await call(request, "membership", "DELETE", "/me")
        if response.status_code != 204:
            return render(
                request,
                "inbox/erase.html",
                title=i18n.gettext("Erase your account"),
                errors={"confirm": i18n.gettext("We could not erase your account just now. Please try again.")},
            )
        session = session_of(request)
        if session is not None:
            session.end()
        return render(request, "inbox/erased.html", title=i18n.gettext("Your account has been erased"))
