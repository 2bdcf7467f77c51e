"""Running an association (its admins): members (search, approve joiners, roles, renewal), mentor
applications, CSV import with the per-row report, the audit trail, e-mail delivery status, and matching's
weights and statistics. Running the federation (federation admins): associations and their first admins.

Every page asks the services as the signed-in person; the services decide who may see what (a 403 from
them becomes a page saying so)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway import i18n
from gateway.entrypoints.http.pages import (
    AnyRequest,
    call,
    detail_of,
    form_list,
    form_of,
    has_role,
    not_possible,
    notice,
    redirect,
    render,
    signed_in,
)
from gateway.entrypoints.http.welcome import TIME_ZONES
from gateway.i18n import N_

ROLES = {
    "member": N_("Member"),
    "mentor": N_("Mentor"),
    "hcp": N_("Healthcare professional"),
    "moderator": N_("Moderator (reads stories and discussions before others do)"),
    "admin": N_("Administrator"),
}
WEIGHTS = {
    "condition": N_("Same condition"),
    "availability": N_("Free at the same times"),
    "preferences": N_("Wishes (how to talk, age, gender)"),
    "experience": N_("Mentor's experience"),
    "waiting": N_("Time waiting"),
}
MAX_CSV_BYTES = 2 * 1024 * 1024


def bar_class(value: float, top: float) -> str:
    """A CSS width class in tens of percent (no inline style under the CSP)."""
    return f"bar-{round(10 * value / top) * 10 if top else 0}"


async def association_of(request: AnyRequest, association_id: UUID) -> dict[str, Any]:
    response = await call(request, "membership", "GET", f"/associations/{association_id}")
    return dict(response.json()) if response.is_success else {"name": "", "association_id": str(association_id)}


def forbidden(request: AnyRequest) -> Template:
    return render(
        request,
        "admin/forbidden.html",
        title=i18n.gettext("You cannot see this page"),
        status=403,
    )


SITE_LANGUAGES = {"fr": "Français", "en": "English"}  # the languages the web client is written in
MEMBER_STATUSES = {  # membership's statuses, in words
    "pending": N_("Waiting for approval"),
    "active": N_("Active"),
    "expired": N_("Expired"),
    "left": N_("Left"),
}
DELIVERY_STATUSES = {  # notifications' delivery statuses, in words
    "pending": N_("Waiting to be sent"),
    "held": N_("Held for quiet hours"),
    "sent": N_("Sent"),
    "failed": N_("Could not be sent"),
    "suppressed": N_("Not sent (see why)"),
}


class AssociationAdminController(Controller):
    path = "/admin/{association_id:uuid}"
    include_in_schema = False

    @get("/", operation_id="page_admin_home")
    async def home(self, request: AnyRequest, association_id: FromPath[UUID]) -> Template:
        # the person's own roles (membership's token), not another service's copy of them: a new admin sees
        # the page at once, even before matching has heard of the appointment
        if not await has_role(request, "admin", association_id):
            return forbidden(request)
        association = await association_of(request, association_id)
        return render(request, "admin/home.html", title=association["name"], association=association)

    # -- members -------------------------------------------------------------------------------------
    @get("/members", operation_id="page_admin_members")
    async def members(
        self, request: AnyRequest, association_id: FromPath[UUID], q: FromQuery[str] = "", status: FromQuery[str] = ""
    ) -> Template:
        signed_in(request)
        params: dict[str, Any] = {"page_size": 50}
        if q:
            params["q"] = q[:100]
        if status in MEMBER_STATUSES:
            params["status"] = status
        response = await call(request, "membership", "GET", f"/associations/{association_id}/members", params=params)
        if response.status_code == 403:
            return forbidden(request)
        return render(
            request,
            "admin/members.html",
            title=i18n.gettext("Members"),
            page=response.json(),
            q=q,
            status_filter=status,
            association=await association_of(request, association_id),
            roles=ROLES,
            statuses=MEMBER_STATUSES,
        )

    @post("/members/{member_id:uuid}", operation_id="admin_change_member")
    async def change_member(
        self, request: AnyRequest, association_id: FromPath[UUID], member_id: FromPath[UUID]
    ) -> Redirect:
        signed_in(request)
        values = await form_of(request)
        base = f"/associations/{association_id}/members/{member_id}"
        action = values.get("action")
        if action == "approve":
            response = await call(request, "membership", "POST", f"{base}/approve", json={})
        elif action == "roles":
            roles = ["member", *[r for r in await form_list(request, "roles") if r in ROLES and r != "member"]]
            response = await call(request, "membership", "PUT", f"{base}/roles", json={"roles": roles})
        elif action == "renew":
            body = {"renewed_on": values.get("renewed_on", ""), "expires_on": values.get("expires_on", "")}
            response = await call(request, "membership", "PUT", f"{base}/renewal", json=body)
        else:
            return redirect(f"/admin/{association_id}/members")
        if response.is_success:
            notice(request, i18n.gettext("Saved."))
        else:
            notice(request, i18n.gettext("That change was not possible: %(reason)s") % {"reason": detail_of(response)})
        return redirect(f"/admin/{association_id}/members")

    # -- mentor applications ---------------------------------------------------------------------------
    @get("/mentors", operation_id="page_admin_mentors")
    async def mentors(self, request: AnyRequest, association_id: FromPath[UUID]) -> Template:
        signed_in(request)
        response = await call(request, "membership", "GET", f"/associations/{association_id}/mentor-applications")
        if response.status_code == 403:
            return forbidden(request)
        return render(
            request,
            "admin/mentors.html",
            title=i18n.gettext("Mentor applications"),
            applications=response.json(),
            association=await association_of(request, association_id),
        )

    @post("/mentors/{member_id:uuid}", operation_id="admin_decide_mentor")
    async def decide_mentor(
        self, request: AnyRequest, association_id: FromPath[UUID], member_id: FromPath[UUID]
    ) -> Template | Redirect:
        signed_in(request)
        values = await form_of(request)
        base = f"/associations/{association_id}/mentors/{member_id}"
        if values.get("decision") == "approve":
            response = await call(request, "membership", "POST", f"{base}/approve", json={})
            message = i18n.gettext("The mentor is approved. They can now be proposed to new members.")
        elif values.get("decision") == "reject" and values.get("reason"):
            response = await call(
                request, "membership", "POST", f"{base}/reject", json={"reason": values["reason"][:1000]}
            )
            message = i18n.gettext("The application is declined. The person can apply again later.")
        else:
            applications = (
                await call(request, "membership", "GET", f"/associations/{association_id}/mentor-applications")
            ).json()
            return render(
                request,
                "admin/mentors.html",
                title=i18n.gettext("Mentor applications"),
                applications=applications,
                association=await association_of(request, association_id),
                errors={f"reason-{member_id}": i18n.gettext("Give a reason to decline; the person will see it")},
            )
        notice(request, message if response.is_success else i18n.gettext("This application was already decided."))
        return redirect(f"/admin/{association_id}/mentors")

    # -- CSV import --------------------------------------------------------------------------------------
    @get("/import", operation_id="page_admin_import")
    async def import_page(self, request: AnyRequest, association_id: FromPath[UUID]) -> Template:
        signed_in(request)
        return render(
            request,
            "admin/import.html",
            title=i18n.gettext("Invite members from a file"),
            association=await association_of(request, association_id),
            rows=[],
        )

    @post("/import", operation_id="admin_import", request_max_body_size=MAX_CSV_BYTES + 64 * 1024)
    async def import_members(self, request: AnyRequest, association_id: FromPath[UUID]) -> Template | Redirect:
        signed_in(request)
        form = await request.form()
        upload = form.get("file")
        association = await association_of(request, association_id)
        title = i18n.gettext("Invite members from a file")
        content = await upload.read() if upload is not None and hasattr(upload, "read") else b""
        if not content:
            return render(
                request,
                "admin/import.html",
                title=title,
                association=association,
                rows=[],
                errors={"file": i18n.gettext("Choose a CSV file to send")},
            )
        response = await call(
            request,
            "membership",
            "POST",
            f"/associations/{association_id}/members/import",
            content=content,
            headers={"content-type": "text/csv"},
        )
        if response.is_success:
            invited = response.json()["invited"]
            notice(
                request,
                i18n.ngettext("We have sent %(num)s invitation.", "We have sent %(num)s invitations.", invited)
                % {"num": invited},
            )
            return redirect(f"/admin/{association_id}/import")
        if response.status_code == 403:
            return forbidden(request)
        body = response.json()
        rows = body.get("extra") if isinstance(body.get("extra"), list) else []
        return render(
            request,
            "admin/import.html",
            title=title,
            association=association,
            rows=rows,
            errors={
                "file": i18n.gettext(
                    "Nothing was imported: the file has problems. Correct the rows below and send it again."
                )
                if rows
                else i18n.gettext("Nothing was imported: the file could not be read.")
            },
            detail="" if rows else body.get("detail", ""),
        )

    # -- audit trail, deliveries ------------------------------------------------------------------------
    @get("/audit", operation_id="page_admin_audit")
    async def audit(
        self, request: AnyRequest, association_id: FromPath[UUID], before_id: FromQuery[int | None] = None
    ) -> Template:
        signed_in(request)
        params = {"before_id": before_id} if before_id else {}
        response = await call(request, "membership", "GET", f"/associations/{association_id}/audit", params=params)
        if response.status_code == 403:
            return forbidden(request)
        return render(
            request,
            "admin/audit.html",
            title=i18n.gettext("Who read or changed health information"),
            page=response.json(),
            association=await association_of(request, association_id),
        )

    @get("/deliveries", operation_id="page_admin_deliveries")
    async def deliveries(
        self, request: AnyRequest, association_id: FromPath[UUID], status: FromQuery[str] = ""
    ) -> Template:
        signed_in(request)
        params = {"status": status} if status else {}
        response = await call(
            request, "notifications", "GET", f"/associations/{association_id}/deliveries", params=params
        )
        if response.status_code == 403:
            return forbidden(request)
        return render(
            request,
            "admin/deliveries.html",
            title=i18n.gettext("E-mails sent"),
            page=response.json(),
            statuses=DELIVERY_STATUSES,
            association=await association_of(request, association_id),
        )

    @post("/deliveries/retry", operation_id="admin_retry_deliveries")
    async def retry(self, request: AnyRequest, association_id: FromPath[UUID]) -> Redirect:
        signed_in(request)
        response = await call(request, "notifications", "POST", f"/associations/{association_id}/deliveries/retry")
        if response.is_success:
            retried = response.json()["retried"]
            notice(
                request,
                i18n.ngettext("%(num)s e-mail will be sent again.", "%(num)s e-mails will be sent again.", retried)
                % {"num": retried},
            )
        return redirect(f"/admin/{association_id}/deliveries")

    # -- matching ------------------------------------------------------------------------------------------
    @get("/matching", operation_id="page_admin_matching")
    async def matching(self, request: AnyRequest, association_id: FromPath[UUID]) -> Template:
        signed_in(request)
        return await self._matching(request, association_id)

    async def _matching(
        self,
        request: AnyRequest,
        association_id: UUID,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        stats = await call(request, "matching", "GET", f"/associations/{association_id}/statistics")
        if stats.status_code == 403:
            return forbidden(request)
        weights = (await call(request, "matching", "GET", f"/associations/{association_id}/weights")).json()
        statistics = stats.json()
        loads = statistics["mentor_load"]
        top = max([m["capacity"] for m in loads] or [1])
        return render(
            request,
            "admin/matching.html",
            title=i18n.gettext("Peer mentoring: how it is going"),
            stats=statistics,
            weights=weights,
            labels=WEIGHTS,
            errors=errors,
            values=values or {k: str(weights[k]) for k in WEIGHTS},
            association=await association_of(request, association_id),
            top=top,
            bar_class=bar_class,
        )

    @post("/matching", operation_id="admin_set_weights")
    async def set_weights(self, request: AnyRequest, association_id: FromPath[UUID]) -> Template | Redirect:
        signed_in(request)
        values = await form_of(request)
        errors = {
            key: i18n.gettext("Enter a whole number from 0 to 1000")
            for key in WEIGHTS
            if not (values.get(key, "").isdigit() and int(values[key]) <= 1000)
        }
        if not errors and not any(int(values[k]) for k in WEIGHTS):
            errors = {"condition": i18n.gettext("At least one weight must be more than 0")}
        if errors:
            return await self._matching(request, association_id, errors, values)
        body = {k: int(values[k]) for k in WEIGHTS}
        response = await call(request, "matching", "PUT", f"/associations/{association_id}/weights", json=body)
        notice(request, i18n.gettext("Saved.") if response.is_success else detail_of(response))
        return redirect(f"/admin/{association_id}/matching")


class FederationController(Controller):
    path = "/federation"
    include_in_schema = False

    @get("/", operation_id="page_federation")
    async def home(self, request: AnyRequest) -> Template:
        if not await has_role(request, "federation_admin"):
            return forbidden(request)
        associations = (await call(request, "membership", "GET", "/associations")).json()
        return render(request, "federation/home.html", title=i18n.gettext("Federation"), associations=associations)

    @post("/associations", operation_id="federation_create_association")
    async def create(self, request: AnyRequest) -> Template | Redirect:
        signed_in(request)
        values = await form_of(request)
        body = {
            "name": values.get("name", ""),
            "slug": values.get("slug", ""),
            "default_locale": values.get("default_locale", "fr"),
            "time_zone": values.get("time_zone", "Europe/Paris"),
            "languages": [values.get("default_locale", "fr")],
            "requires_approval": values.get("requires_approval") == "yes",
        }
        response = await call(request, "membership", "POST", "/associations", json=body)
        if response.is_success:
            notice(request, i18n.gettext("The association is created. Now appoint its first administrator."))
            return redirect("/federation")
        associations = (await call(request, "membership", "GET", "/associations")).json()
        field = "slug" if "slug" in detail_of(response) else "name"
        return render(
            request,
            "federation/home.html",
            title=i18n.gettext("Federation"),
            associations=associations,
            values=values,
            errors={field: i18n.gettext("Check this field: %(reason)s") % {"reason": detail_of(response)}},
        )

    @get("/associations/{association_id:uuid}", operation_id="page_federation_association")
    async def settings_page(self, request: AnyRequest, association_id: FromPath[UUID]) -> Template:
        if not await has_role(request, "federation_admin"):
            return forbidden(request)
        association = await association_of(request, association_id)
        return self._settings(request, association, association, {})

    @post("/associations/{association_id:uuid}", operation_id="federation_change_association")
    async def change_settings(self, request: AnyRequest, association_id: FromPath[UUID]) -> Template | Redirect:
        if not await has_role(request, "federation_admin"):
            return forbidden(request)
        association = await association_of(request, association_id)
        values: dict[str, Any] = await form_of(request)
        values["languages"] = [code for code in await form_list(request, "languages") if code in SITE_LANGUAGES]
        errors: dict[str, str] = {}
        if not values.get("name"):
            errors["name"] = i18n.gettext("Enter the association's name")
        if values.get("time_zone") not in TIME_ZONES:
            errors["time_zone"] = i18n.gettext("Choose a time zone from the list")
        if not values["languages"]:
            errors["languages"] = i18n.gettext("Choose at least one language")
        elif values.get("default_locale") not in values["languages"]:
            errors["default_locale"] = i18n.gettext("The main language must be one of its languages")
        if errors:
            return self._settings(request, association, values, errors)
        body = {
            "name": values["name"],
            "default_locale": values["default_locale"],
            "time_zone": values["time_zone"],
            "languages": values["languages"],
            "requires_approval": values.get("requires_approval") == "yes",
            "federation_matching": values.get("federation_matching") == "yes",
        }
        response = await call(request, "membership", "PATCH", f"/associations/{association_id}", json=body)
        if not response.is_success:
            reason = i18n.gettext("Check this field: %(reason)s") % {"reason": detail_of(response)}
            return self._settings(request, association, values, {"name": reason})
        notice(request, i18n.gettext("The settings of %(name)s are saved.") % {"name": values["name"]})
        return redirect("/federation")

    @staticmethod
    def _settings(
        request: AnyRequest, association: dict[str, Any], values: dict[str, Any], errors: dict[str, str]
    ) -> Template:
        ticked = {k: "yes" for k in ("requires_approval", "federation_matching") if values.get(k) in {True, "yes"}}
        return render(
            request,
            "federation/association.html",
            title=i18n.gettext("Settings of %(name)s") % {"name": association["name"]},
            association=association,
            values={**values, "requires_approval": "", "federation_matching": "", **ticked},
            errors=errors,
            languages=SITE_LANGUAGES,
            time_zones=TIME_ZONES,
        )

    @post("/associations/{association_id:uuid}/admins", operation_id="federation_appoint_admin")
    async def appoint(self, request: AnyRequest, association_id: FromPath[UUID]) -> Redirect:
        signed_in(request)
        email = (await form_of(request)).get("email", "")
        response = await call(
            request, "membership", "POST", f"/associations/{association_id}/admins", json={"email": email}
        )
        if response.is_success:
            notice(request, i18n.gettext("%(email)s is now an administrator.") % {"email": email})
        else:
            notice(request, not_possible(response))
        return redirect("/federation")
