"""What every page handler uses: the session, calls to the services as the signed-in person, forms with
their errors, and rendering in the page's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit
from uuid import UUID

from litestar import Request
from litestar.response import Redirect, Template

from gateway import i18n
from gateway.adapters.upstream import Answer
from gateway.dependencies import GatewayDependencies
from gateway.domain.sessions import Session, csrf_token
from gateway.service_layer import tokens
from gateway.service_layer.tokens import SignInAgain
from shared.web.dependencies import dependencies_of

AnyRequest = Request[Any, Any, Any]


def deps_of(request: AnyRequest) -> GatewayDependencies:
    return dependencies_of(request.app.state, GatewayDependencies)


def session_of(request: AnyRequest) -> Session | None:
    session: Session | None = request.scope.setdefault("state", {}).get("session")
    return session


def ensure_session(request: AnyRequest) -> Session:
    """The browser's session, started now if it has none (the middleware saves it and sets the cookie)."""
    session = session_of(request)
    if session is None or session.ended:
        deps = deps_of(request)
        if session is not None:  # ended in this request (signed out): the middleware still deletes it
            request.scope["state"]["ended_session"] = session
        session = Session.start(deps.clock(), deps.lifetimes)
        request.scope["state"]["session"] = session
    return session


def signed_in(request: AnyRequest) -> Session:
    """The signed-in session; SignInAgain (a redirect to sign in) otherwise."""
    session = session_of(request)
    if session is None or not session.signed_in:
        raise SignInAgain("sign in to see this page")
    return session


def _holds(session: Session, role: str, association_id: UUID | None) -> bool:
    if association_id is None:
        return role in session.roles.get("federation", [])
    return role in session.roles.get("associations", {}).get(str(association_id), [])


def holds_role(request: AnyRequest, role: str, association_id: UUID | None = None) -> bool:
    """Whether the token the session holds says the person has `role` (no call: for what a page merely shows,
    such as a link for hosts; a page only for them asks `has_role`)."""
    return _holds(signed_in(request), role, association_id)


async def has_role(request: AnyRequest, role: str, association_id: UUID | None = None) -> bool:
    """Whether the signed-in person holds `role` in the association (in the federation, without one). When the
    token held does not say so, membership is asked for a fresh one once: it may predate a role just given."""
    if _holds(signed_in(request), role, association_id):
        return True
    await bearer(request, force=True)
    return _holds(signed_in(request), role, association_id)


async def bearer(request: AnyRequest, *, force: bool = False) -> str:
    deps = deps_of(request)
    return await tokens.bearer(
        deps.database,
        deps.upstream,
        deps.jwt_validator,
        session_of(request),
        deps.clock(),
        deps.refresh_margin,
        force=force,
    )


async def call(
    request: AnyRequest,
    service: str,
    method: str,
    path: str,
    *,
    json: Any = None,
    params: Mapping[str, Any] | None = None,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """The service's answer to a call made as the signed-in person. A refused token (401) is refreshed once; if
    the service still refuses it, the session has ended (SignInAgain). A 403 is also asked again once with a
    fresh token: the roles in the one held may be older than a role just given (by an admin, elsewhere)."""
    deps = deps_of(request)
    for force in (False, True):
        response = await deps.upstream.call(
            service,
            method,
            path,
            token=await bearer(request, force=force),
            json=json,
            params=dict(params or {}),
            content=content,
            headers=headers,
        )
        if response.status_code not in {401, 403} or (force and response.status_code == 403):
            return response
    raise SignInAgain("your session has ended; please sign in again")


async def anonymous_call(request: AnyRequest, service: str, method: str, path: str, *, json: Any = None) -> Answer:
    """A call before sign-in (register, sign in, reset); membership sees the browser's address, not ours."""
    client = request.client.host if request.client else "unknown"
    return await deps_of(request).upstream.call(service, method, path, json=json, headers={"x-forwarded-for": client})


def detail_of(response: Answer) -> str:
    try:
        return str(response.json().get("detail", ""))
    except ValueError:
        return ""


def not_possible(response: Answer) -> str:
    """What to tell the person when a service refused what they asked, in its own words."""
    return i18n.gettext("That was not possible: %(reason)s") % {"reason": detail_of(response)}


async def form_of(request: AnyRequest) -> dict[str, str]:
    """The posted form's fields, each trimmed (repeated fields: see `form_list`)."""
    form = await request.form()
    return {key: str(value).strip() for key, value in form.items() if isinstance(value, str)}


async def form_list(request: AnyRequest, name: str) -> list[str]:
    form = await request.form()
    return [str(v).strip() for v in form.getall(name, []) if isinstance(v, str)]


def local_path(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site (never another host: no open redirect), else `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def redirect(path: str, **params: str) -> Redirect:
    return Redirect(path + (f"?{urlencode(params)}" if params else ""), status_code=303)


def notice(request: AnyRequest, text: str) -> None:
    """A message shown once on the next page (e.g. "Your request was sent")."""
    ensure_session(request).put("notice", text)


class LazyCsrfToken:
    """The session's CSRF token, made when a page first shows a form: a page without a form (the home page
    read by a search engine) starts no session."""

    def __init__(self, request: AnyRequest) -> None:
        self.request = request

    def __str__(self) -> str:
        return csrf_token(deps_of(self.request).csrf_secret, ensure_session(self.request).id)

    def __html__(self) -> str:
        return str(self)


def _page_name(request: AnyRequest) -> str:
    """The route's operation id, for tests to know which page they are on ("" for an address no route has)."""
    name = getattr(request.scope.get("route_handler"), "operation_id", None)
    return name if isinstance(name, str) else ""


def render(
    request: AnyRequest,
    template: str,
    *,
    title: str,
    status: int = 200,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    **context: Any,
) -> Template:
    """A page: `title` (already translated) heads it and names the tab (with "Error:" when `errors`);
    `errors` maps field names to messages (shown in the error summary and beside each field), `values`
    keeps what the person typed."""
    deps = deps_of(request)
    session = session_of(request)
    now = deps.clock()
    page_errors = dict(errors or {})
    signed = session is not None and session.signed_in
    return Template(
        template_name=template,
        status_code=422 if page_errors and status == 200 else status,
        context={
            "title": title,
            "errors": page_errors,
            "values": dict(values or {}),
            "csrf_token": LazyCsrfToken(request),
            "lang": i18n.current(),
            "other_lang": "fr" if i18n.current() == "en" else "en",
            "path": request.url.path,
            "query": request.url.query,
            "page_name": _page_name(request),
            "signed_in": signed,
            "roles": session.roles if session else {},
            "display_name": session.data.get("display_name", "") if session else "",
            "time_zone": session.data.get("time_zone", "UTC") if session else "UTC",
            "notice": session.pop("notice") if session else None,
            "session_seconds_left": session.seconds_left(now) if session and signed else 0,
            "warning_seconds": deps.web.warning_seconds,
            **context,
        },
    )
