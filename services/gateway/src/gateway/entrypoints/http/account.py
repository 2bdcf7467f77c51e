"""Signing in and out: by password (password managers and paste welcome), by a code sent by e-mail (nothing
to remember, WCAG 3.3.8), creating an account, choosing a new password, accepting an invitation, and the
session's "stay signed in"."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Controller, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from gateway import i18n
from gateway.domain.sessions import csrf_token
from gateway.entrypoints.http.pages import (
    AnyRequest,
    anonymous_call,
    call,
    deps_of,
    detail_of,
    ensure_session,
    form_of,
    local_path,
    notice,
    redirect,
    render,
    session_of,
)
from gateway.i18n import N_
from gateway.service_layer.tokens import tokens_of

SIGN_IN = {"rate_limit": "sign_in"}
EMAIL_LINK = {"rate_limit": "email_link"}
PASSWORD_RULES = [  # membership's words for a refused password → ours, in the page's language
    ("at least", N_("Use at least 10 characters. A few unrelated words make a strong password.")),
    ("at most", N_("Use at most 128 characters.")),
    ("too easy", N_("This password is too easy to guess. A few unrelated words make a strong one.")),
    ("e-mail address", N_("Your password must not contain your e-mail address.")),
]


def password_error(detail: str) -> str:
    for words, message in PASSWORD_RULES:
        if words in detail:
            return i18n.gettext(message)
    return i18n.gettext("Choose a different password.")


def required(values: dict[str, str], messages: dict[str, str]) -> dict[str, str]:
    """An error for each field left empty, in the form's order."""
    return {name: i18n.gettext(message) for name, message in messages.items() if not values.get(name)}


def too_many(request: AnyRequest, template: str, title: str, values: dict[str, str], field: str) -> Template:
    message = i18n.gettext(
        "There have been too many tries. Wait 15 minutes, or sign in with a code sent to your e-mail instead."
    )
    return render(request, template, title=title, status=429, errors={field: message}, values=values)


async def start_session(request: AnyRequest, body: dict[str, Any], next_page: str | None) -> Redirect:
    """Sign the browser in with membership's token pair: a new session id, the person's name and language."""
    deps = deps_of(request)
    now = deps.clock()
    member_id, tokens, roles = await tokens_of(deps.jwt_validator, body, now)
    session = ensure_session(request)
    session.sign_in(member_id, tokens, roles, now)
    me = (await call(request, "membership", "GET", "/me")).json()
    session.put("display_name", me["profile"]["display_name"])
    session.put("locale", me["profile"]["locale"])
    session.put("time_zone", me["profile"]["time_zone"])
    if not me["memberships"]:
        return redirect("/welcome")
    return Redirect(local_path(next_page, "/home"), status_code=303)


class AccountController(Controller):
    path = "/"
    include_in_schema = False

    # -- sign in with a password ----------------------------------------------------------------
    @get("/sign-in", operation_id="page_sign_in")
    async def sign_in_page(
        self, request: AnyRequest, next: FromQuery[str] = "", email: FromQuery[str] = ""
    ) -> Template:
        return render(
            request, "account/sign_in.html", title=i18n.gettext("Sign in"), values={"email": email, "next": next}
        )

    @post("/sign-in", operation_id="sign_in", opt=SIGN_IN)
    async def sign_in(self, request: AnyRequest) -> Template | Redirect:
        values = await form_of(request)
        title = i18n.gettext("Sign in")
        errors = required(
            values,
            {"email": N_("Enter your e-mail address"), "password": N_("Enter your password")},
        )
        if errors:
            return render(request, "account/sign_in.html", title=title, errors=errors, values=values)
        response = await anonymous_call(
            request,
            "membership",
            "POST",
            "/auth/login",
            json={"email": values["email"], "password": values["password"]},
        )
        if response.status_code == 429:
            return too_many(request, "account/sign_in.html", title, values, "password")
        if not response.is_success:
            message = i18n.gettext(
                "The e-mail address or the password is not right. Check them, or sign in with a code."
            )
            return render(request, "account/sign_in.html", title=title, errors={"email": message}, values=values)
        return await start_session(request, response.json(), values.get("next"))

    # -- sign in with a code by e-mail ------------------------------------------------------------
    @get("/sign-in/code", operation_id="page_sign_in_code")
    async def code_page(self, request: AnyRequest) -> Template:
        return render(request, "account/code_request.html", title=i18n.gettext("Sign in with a code"))

    @post("/sign-in/code", operation_id="request_sign_in_code", opt=EMAIL_LINK)
    async def request_code(self, request: AnyRequest) -> Template | Redirect:
        values = await form_of(request)
        title = i18n.gettext("Sign in with a code")
        errors = required(values, {"email": N_("Enter your e-mail address")})
        if errors:
            return render(request, "account/code_request.html", title=title, errors=errors, values=values)
        body = {"email": values["email"]}
        response = await anonymous_call(request, "membership", "POST", "/auth/sign-in-code", json=body)
        if not response.is_success:  # membership answers 202 for any well-formed address, known or not
            errors = {
                "email": i18n.gettext("Enter an e-mail address like name@example.org")
                if response.status_code in {400, 422}
                else i18n.gettext("We could not send a code just now. Please try again in a few minutes.")
            }
            return render(request, "account/code_request.html", title=title, errors=errors, values=values)
        ensure_session(request).put("code_email", values["email"])
        return redirect("/sign-in/code/enter")

    @get("/sign-in/code/enter", operation_id="page_enter_code")
    async def enter_code_page(self, request: AnyRequest) -> Template:
        email = ensure_session(request).data.get("code_email", "")
        return render(
            request, "account/code_enter.html", title=i18n.gettext("Enter your code"), values={"email": email}
        )

    @post("/sign-in/code/enter", operation_id="sign_in_with_code", opt=SIGN_IN)
    async def enter_code(self, request: AnyRequest) -> Template | Redirect:
        values = await form_of(request)
        title = i18n.gettext("Enter your code")
        errors = required(
            values, {"email": N_("Enter your e-mail address"), "code": N_("Enter the code from the e-mail")}
        )
        if errors:
            return render(request, "account/code_enter.html", title=title, errors=errors, values=values)
        code = "".join(ch for ch in values["code"] if ch.isdigit())
        response = await anonymous_call(
            request, "membership", "POST", "/auth/sign-in-code/login", json={"email": values["email"], "code": code}
        )
        if response.status_code == 429:
            return too_many(request, "account/code_enter.html", title, values, "code")
        if not response.is_success:
            message = i18n.gettext("This code is not right or has expired. Check it, or ask for a new code.")
            return render(request, "account/code_enter.html", title=title, errors={"code": message}, values=values)
        ensure_session(request).pop("code_email")
        return await start_session(request, response.json(), None)

    # -- create an account -------------------------------------------------------------------------
    @get("/register", operation_id="page_register")
    async def register_page(self, request: AnyRequest) -> Template:
        return render(request, "account/register.html", title=i18n.gettext("Create an account"))

    @post("/register", operation_id="register", opt=SIGN_IN)
    async def register(self, request: AnyRequest) -> Template | Redirect:
        values = await form_of(request)
        title = i18n.gettext("Create an account")
        errors = required(
            values,
            {
                "display_name": N_("Enter the name other members will see"),
                "email": N_("Enter your e-mail address"),
                "password": N_("Choose a password"),
            },
        )
        if errors:
            return render(request, "account/register.html", title=title, errors=errors, values=values)
        body = {
            "display_name": values["display_name"],
            "email": values["email"],
            "password": values["password"],
            "locale": i18n.current(),
        }
        response = await anonymous_call(request, "membership", "POST", "/auth/register", json=body)
        if response.status_code == 422:
            detail = detail_of(response)
            if "password" in detail:
                errors = {"password": password_error(detail)}
            elif "e-mail" in detail or "email" in detail:
                errors = {"email": i18n.gettext("Enter an e-mail address like name@example.org")}
            else:
                errors = {"display_name": i18n.gettext("Use letters and spaces in your name, up to 80 characters.")}
            return render(request, "account/register.html", title=title, errors=errors, values=values)
        if response.status_code == 429:
            return too_many(request, "account/register.html", title, values, "email")
        notice(
            request,
            i18n.gettext(
                "Thank you. Sign in now with your e-mail address and password. If this address already had an"
                " account, we have sent an e-mail to it."
            ),
        )
        return redirect("/sign-in", email=values["email"])

    # -- forgotten password ----------------------------------------------------------------------
    @get("/password-reset", operation_id="page_password_reset")
    async def reset_page(self, request: AnyRequest) -> Template:
        return render(request, "account/reset_request.html", title=i18n.gettext("Choose a new password"))

    @post("/password-reset", operation_id="request_password_reset", opt=EMAIL_LINK)
    async def request_reset(self, request: AnyRequest) -> Template | Redirect:
        values = await form_of(request)
        title = i18n.gettext("Choose a new password")
        errors = required(values, {"email": N_("Enter your e-mail address")})
        if errors:
            return render(request, "account/reset_request.html", title=title, errors=errors, values=values)
        await anonymous_call(request, "membership", "POST", "/auth/password-reset", json={"email": values["email"]})
        return render(request, "account/reset_sent.html", title=i18n.gettext("Check your e-mail"))

    @get("/password-reset/new", operation_id="page_new_password")
    async def new_password_page(self, request: AnyRequest, token: FromQuery[str] = "") -> Template:
        return render(
            request, "account/reset_new.html", title=i18n.gettext("Choose a new password"), values={"token": token}
        )

    @post("/password-reset/new", operation_id="set_new_password", opt=SIGN_IN)
    async def new_password(self, request: AnyRequest) -> Template | Redirect:
        values = await form_of(request)
        title = i18n.gettext("Choose a new password")
        errors = required(values, {"password": N_("Choose a new password")})
        if errors:
            return render(request, "account/reset_new.html", title=title, errors=errors, values=values)
        response = await anonymous_call(
            request,
            "membership",
            "POST",
            "/auth/password-reset/complete",
            json={"token": values.get("token", ""), "password": values["password"]},
        )
        if response.status_code == 422 and "password" in detail_of(response):
            errors = {"password": password_error(detail_of(response))}
            return render(request, "account/reset_new.html", title=title, errors=errors, values=values)
        if response.status_code != 204:
            message = i18n.gettext("This link has expired or was already used. Ask for a new one.")
            return render(request, "account/reset_new.html", title=title, errors={"password": message}, values=values)
        notice(request, i18n.gettext("Your password has been changed. Sign in with your new password."))
        return redirect("/sign-in")

    # -- invitations from a CSV import -------------------------------------------------------------
    @get("/invitations/accept", operation_id="page_invitation")
    async def invitation_page(self, request: AnyRequest, token: FromQuery[str] = "") -> Template:
        return render(
            request, "account/invitation.html", title=i18n.gettext("Accept your invitation"), values={"token": token}
        )

    @post("/invitations/accept", operation_id="accept_invitation", opt=SIGN_IN)
    async def accept_invitation(self, request: AnyRequest) -> Template | Redirect:
        values = await form_of(request)
        title = i18n.gettext("Accept your invitation")
        body: dict[str, Any] = {"token": values.get("token", "")}
        if values.get("password"):
            body["password"] = values["password"]
        response = await anonymous_call(request, "membership", "POST", "/invitations/accept", json=body)
        if response.is_success:
            notice(request, i18n.gettext("Welcome! You are now a member. Sign in to continue."))
            return redirect("/sign-in")
        detail = detail_of(response)
        if "password" in detail:
            errors = {
                "password": password_error(detail) if values.get("password") else i18n.gettext("Choose a password")
            }
        else:
            errors = {
                "password": i18n.gettext(
                    "This invitation has expired or was already used. Ask your association for a new one."
                )
            }
        return render(request, "account/invitation.html", title=title, errors=errors, values=values)

    # -- sign out and the session's timeout --------------------------------------------------------
    @post("/sign-out", operation_id="sign_out")
    async def sign_out(self, request: AnyRequest) -> Redirect:
        session = session_of(request)
        if session is not None and session.tokens is not None:
            await deps_of(request).upstream.call(
                "membership", "POST", "/auth/logout", json={"refresh_token": session.tokens.refresh_token}
            )
        if session is not None:
            session.end()
        fresh = ensure_session(request)  # a new anonymous session carries the notice
        fresh.put("notice", i18n.gettext("You have signed out."))
        return redirect("/sign-in")

    @get("/session/warning", operation_id="session_warning")
    async def session_warning(self, request: AnyRequest) -> Template:
        """The timeout warning (a fragment htmx loads shortly before the session ends)."""
        session = session_of(request)
        deps = deps_of(request)
        left = session.seconds_left(deps.clock()) if session and session.signed_in else 0
        return Template(
            template_name="session_warning.html",
            context={
                "session_seconds_left": left,
                "warning_seconds": deps.web.warning_seconds,
                "expired": left <= 0,
                "idle_minutes": deps.web.idle_seconds // 60,
                "csrf_token": _csrf(request),
                "next": urlsplit(request.headers.get("hx-current-url", "")).path or "/home",
            },
        )

    @post("/session/extend", operation_id="session_extend")
    async def extend(self, request: AnyRequest) -> Template | Redirect:
        """ "Stay signed in": the idle clock starts again (with htmx, a fresh timer; without, back to the page)."""
        deps = deps_of(request)
        session = session_of(request)
        if session is None or not session.signed_in:
            return redirect("/sign-in")
        session.extend(deps.clock(), deps.lifetimes)
        if request.headers.get("hx-request"):
            return Template(
                template_name="session_timer.html",
                context={
                    "session_seconds_left": session.seconds_left(deps.clock()),
                    "warning_seconds": deps.web.warning_seconds,
                },
            )
        return Redirect(local_path((await form_of(request)).get("next"), "/home"), status_code=303)


def _csrf(request: AnyRequest) -> str:
    return csrf_token(deps_of(request).csrf_secret, ensure_session(request).id)
