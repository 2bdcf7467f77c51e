"""Pages anyone can read: what Fellowship offers, the associations, privacy, help, and the language switch."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from gateway import i18n
from gateway.entrypoints.http.middleware import LANGUAGE_COOKIE
from gateway.entrypoints.http.pages import AnyRequest, deps_of, local_path, render, session_of


async def associations_list(request: AnyRequest) -> list[dict[str, Any]]:
    """The federation's associations (public facts only: name, description)."""
    response = await deps_of(request).upstream.call("membership", "GET", "/associations")
    return list(response.json()) if response.is_success else []


class PublicController(Controller):
    path = "/"
    include_in_schema = False

    @get("/", operation_id="page_home")
    async def home(self, request: AnyRequest) -> Template | Redirect:
        session = session_of(request)
        if session is not None and session.signed_in:
            return Redirect("/home", status_code=303)
        return render(
            request,
            "public/home.html",
            title=i18n.gettext("Support from people who understand"),
            associations=await associations_list(request),
        )

    @get("/associations", operation_id="page_associations")
    async def associations(self, request: AnyRequest) -> Template:
        return render(
            request,
            "public/associations.html",
            title=i18n.gettext("Associations"),
            associations=await associations_list(request),
        )

    @get("/privacy", operation_id="page_privacy")
    async def privacy(self, request: AnyRequest) -> Template:
        return render(request, "public/privacy.html", title=i18n.gettext("How we look after your information"))

    @get("/help", operation_id="page_help")
    async def help(self, request: AnyRequest) -> Template:
        return render(request, "public/help.html", title=i18n.gettext("Help"))

    @get("/language/{code:str}", operation_id="choose_language")
    async def language(self, request: AnyRequest, code: FromPath[str], next: FromQuery[str] = "/") -> Response[None]:
        """Show pages in `code` (en or fr) from now on, and go back to the page the person was on."""
        response: Response[None] = Redirect(local_path(next), status_code=303)
        if code in i18n.LOCALES:
            response.set_cookie(
                LANGUAGE_COOKIE,
                code,
                max_age=365 * 24 * 3600,
                path="/",
                samesite="lax",
                httponly=True,
                secure=deps_of(request).web.cookie_secure,
            )
        return response
