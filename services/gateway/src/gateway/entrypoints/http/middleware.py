"""What every browser request goes through, in this order: security headers, the Fetch-Metadata gate, the
session (load, language, CSRF check, save, cookie) and the rate limit.

The session cookie carries only the session's id; the id is never adopted from the browser (an unknown id
is ignored and a new one issued when a session is needed) and changes at sign-in and when roles change.
Every unsafe request must carry the CSRF token bound to its session, in the `_csrf_token` form field or
the `X-CSRF-Token` header, and must come from this origin (`Sec-Fetch-Site`).
"""

from __future__ import annotations

import logging
from html import escape
from http.cookies import SimpleCookie
from typing import Any

from litestar import Request
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Message, Receive, Scope, Send

from gateway import i18n
from gateway.adapters import rate_limits, sessions
from gateway.domain.sessions import Session, csrf_matches
from shared.failures import is_infrastructure

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UNGUARDED = ("/static/", "/health", "/ready", "/metrics")
# One-click unsubscribe (RFC 8058) is posted by mail providers' servers, with no cookie and no browser;
# the signed token in its link is the proof, as in notifications.
NO_CSRF = frozenset({"/unsubscribe"})
# Requests a page makes on its own (the live inbox, the timeout warning): they do not count as use.
PASSIVE = ("/api/", "/session/")
LANGUAGE_COOKIE = "fellowship_lang"
CSRF_FIELD = "_csrf_token"
CSRF_HEADER = "x-csrf-token"
RETRY_AFTER_SECONDS = "30"  # how long a page asks the browser to wait when the gateway's database is down

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
    " frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


def _method(scope: Scope) -> str:
    return str(scope.get("method", ""))


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(_header(scope, b"cookie"))
    except Exception:  # a malformed Cookie header counts as no cookie
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def not_available_words() -> tuple[str, str]:
    """The title and words of the page shown while part of Fellowship does not answer."""
    return (
        i18n.gettext("Sorry, this is not available right now"),
        i18n.gettext(
            "Part of Fellowship is not answering. Nothing you entered is lost. Please try again in a few minutes."
        ),
    )


async def _refuse(
    send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None, *, title: str = ""
) -> None:
    """A short page saying why the request was refused, in the page's language."""
    title = escape(title or i18n.gettext("Sorry, we could not do that"))
    back = escape(i18n.gettext("Go to the home page"))
    body = (
        f'<!doctype html><html lang="{i18n.current()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title} – Fellowship</title><link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/static/app.css"></head><body><main id="main" class="page">'
        f'<h1>{title}</h1><p>{escape(text)}</p><p><a href="/">{back}</a></p></main></body></html>'
    )
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-store"), *(headers or [])],
    }
    await send(start)
    body_event: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body.encode(), "more_body": False}
    await send(body_event)


class SecurityHeadersMiddleware(ASGIMiddleware):
    """A strict CSP (no inline script or style anywhere) and the usual headers on every response; pages are
    never stored by browsers or proxies (they carry a session's CSRF token and often health data)."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, *, hsts: bool) -> None:
        self.hsts = hsts

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {bytes(k).lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if self.hsts:
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await next_app(scope, receive, with_headers)


class FetchMetadataMiddleware(ASGIMiddleware):
    """Unsafe requests only from this origin or the person's own navigation: a page on another site (or on
    another port of this host, which browsers count as the same site and send Lax cookies to) gets 403."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        site = _header(scope, b"sec-fetch-site")
        if _method(scope) not in SAFE_METHODS and site and site not in {"same-origin", "none"}:
            await _refuse(send, 403, "This form was sent from another site, so it was refused.")
            return
        await next_app(scope, receive, send)


class SessionMiddleware(ASGIMiddleware):
    """Loads the browser's session (never adopting an unknown id), chooses the page's language, checks the
    CSRF token of unsafe requests, and writes the session and its cookie back as the response starts."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, dependencies: Any) -> None:
        self.deps = dependencies

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        path = scope["path"]
        if path.startswith(UNGUARDED):
            await next_app(scope, receive, send)
            return
        deps = self.deps
        cookies = _cookies(scope)
        presented = cookies.get(deps.cookie_name, "")
        now = deps.clock()
        session = await sessions.load(deps.database, presented, now) if 16 <= len(presented) <= 128 else None
        if session is not None and not path.startswith(PASSIVE):
            session.touch(now, deps.lifetimes)
        state = scope.setdefault("state", {})
        state["session"] = session
        i18n.use(
            i18n.choose(
                cookies.get(LANGUAGE_COOKIE),
                session.data.get("locale") if session else None,
                _header(scope, b"accept-language"),
            )
        )
        if _method(scope) not in SAFE_METHODS and path not in NO_CSRF:
            request: Request[Any, Any, Any] = Request(scope, receive)
            token = _header(scope, CSRF_HEADER.encode())
            if not token and request.content_type[0] in {"application/x-www-form-urlencoded", "multipart/form-data"}:
                token = str((await request.form()).get(CSRF_FIELD, ""))
            if session is None or not token or not csrf_matches(deps.csrf_secret, session.id, token):
                await _refuse(
                    send,
                    403,
                    i18n.gettext(
                        "This form has expired or did not come from this site. Go back, reload the page and try again."
                    ),
                )
                return

        unsaved = False  # the session could not be stored: the page's own response is replaced

        async def save_then_send(message: Message) -> None:
            nonlocal unsaved
            if unsaved:
                return
            if message["type"] == "http.response.start":
                try:
                    cookie = await self._persist(state, presented)
                except Exception as exc:
                    if not is_infrastructure(exc):
                        raise
                    log.warning("the session could not be stored", extra={"path": path, "error": repr(exc)})
                    unsaved = True
                    title, text = not_available_words()
                    await _refuse(send, 503, text, [(b"retry-after", RETRY_AFTER_SECONDS.encode())], title=title)
                    return
                message["headers"] = [*message.get("headers", []), *cookie]
            await send(message)

        await next_app(scope, receive, save_then_send)

    async def _persist(self, state: dict[str, Any], presented: str) -> list[tuple[bytes, bytes]]:
        """Write the session if it changed; the Set-Cookie header its id needs (none if unchanged)."""
        if (ended := state.pop("ended_session", None)) is not None:
            await sessions.save(self.deps.database, ended)
        session: Session | None = state.get("session")
        if session is None:
            return [self._cookie("", clear=True)] if presented else []
        if session.changed:
            await sessions.save(self.deps.database, session)
        if session.ended:
            return [self._cookie("", clear=True)]
        if session.id != presented:
            return [self._cookie(session.id)]
        return []

    def _cookie(self, value: str, *, clear: bool = False) -> tuple[bytes, bytes]:
        parts = [f"{self.deps.cookie_name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
        if self.deps.web.cookie_secure:
            parts.append("Secure")
        if clear:
            parts.append("Max-Age=0")
        return (b"set-cookie", "; ".join(parts).encode())


class RateLimitMiddleware(ASGIMiddleware):
    """Requests per minute per signed-in member (or per client address before sign-in), by kind of request:
    a route names its kind in `opt={"rate_limit": ...}`; otherwise reads are `page` and writes `posting`.
    Counters live in the gateway's database, so every replica counts together."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, dependencies: Any) -> None:
        self.deps = dependencies

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["path"].startswith(UNGUARDED):
            await next_app(scope, receive, send)
            return
        handler = scope.get("route_handler")
        opt = getattr(handler, "opt", {}) or {}
        kind = opt.get("rate_limit") or ("page" if _method(scope) in SAFE_METHODS else "posting")
        session: Session | None = scope.get("state", {}).get("session")
        who = f"member:{session.member_id}" if session and session.member_id else f"ip:{_client(scope)}"
        limit, key, now = self.deps.rate_limits[kind], f"{kind}:{who}", self.deps.clock()
        if kind == "page":  # a flood guard: counted in the process, shared within a second
            seen = self.deps.page_counter.hit(key, now)
        else:
            seen = await rate_limits.hit(self.deps.database, key, now)
        if seen > limit:
            text = i18n.gettext("You have tried this many times in a short while. Please wait a minute and try again.")
            await _refuse(send, 429, text, [(b"retry-after", str(rate_limits.WINDOW_SECONDS).encode())])
            return
        await next_app(scope, receive, send)


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
