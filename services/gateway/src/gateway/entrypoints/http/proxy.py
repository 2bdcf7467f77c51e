"""`/api/<service>/<path>`: the browser's JSON and Server-Sent Events calls to the services, as the signed-in
person, for the routes allow-listed here only.

The browser's session is swapped for the person's bearer token; the browser's own headers are not passed on
(no Cookie, no Authorization, no `?access_token=`), except the few a call needs (content type, accept,
`Last-Event-ID` for a stream resuming). Bodies stream both ways as they come: an inbox stream is not
buffered, and closing the tab closes the call upstream.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
from litestar import Controller, Response, route
from litestar.params import FromPath
from litestar.response import Stream

from gateway.adapters.upstream import UpstreamUnavailable
from gateway.entrypoints.http.pages import AnyRequest, bearer, deps_of, session_of
from gateway.service_layer.tokens import SignInAgain

UUID_PART = r"[0-9a-fA-F-]{36}"
ALLOWED: list[tuple[str, str, re.Pattern[str]]] = [
    (method, service, re.compile(f"^{pattern}$"))
    for method, service, pattern in [
        ("GET", "notifications", r"/me/inbox"),
        ("GET", "notifications", r"/me/inbox/unread-count"),
        ("GET", "notifications", r"/me/inbox/stream"),
        ("POST", "notifications", rf"/me/inbox/{UUID_PART}/read"),
        ("POST", "notifications", r"/me/inbox/read-all"),
        ("GET", "notifications", r"/me/preferences"),
        ("GET", "membership", r"/me"),
        ("GET", "membership", r"/associations"),
        ("GET", "membership", r"/conditions/search"),
        ("GET", "matching", r"/me/requests"),
        ("GET", "matching", r"/me/proposals"),
        ("GET", "matching", r"/me/mentorships"),
    ]
]
FORWARDED_REQUEST_HEADERS = ("accept", "content-type", "last-event-id")
TRACE_HEADERS = {  # passed on only when well formed
    "x-request-id": re.compile(r"^[A-Za-z0-9._:-]{1,128}$"),
    "traceparent": re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"),
}
PASSED_BACK_HEADERS = ("content-type", "cache-control", "retry-after", "x-correlation-id")
DROPPED_PARAMS = frozenset({"access_token"})
open_streams: Counter[str] = Counter()  # per session (by member id), in this process


def allowed(method: str, service: str, path: str) -> bool:
    return any(m == method and s == service and p.match(path) for m, s, p in ALLOWED)


def _problem(status: int, detail: str) -> Response[dict[str, Any]]:
    return Response(
        {"status_code": status, "detail": detail}, status_code=status, headers={"cache-control": "no-store"}
    )


class ProxyController(Controller):
    path = "/api"
    include_in_schema = False

    @route("/{service:str}/{path:path}", http_method=["GET", "POST", "PUT", "DELETE"], operation_id="api_proxy")
    async def forward(self, request: AnyRequest, service: FromPath[str], path: FromPath[str]) -> Response[Any]:
        if not allowed(request.method, service, path):
            return _problem(404, "no such API route here")
        session = session_of(request)
        if session is None or not session.signed_in:
            return _problem(401, "sign in first")
        try:
            token = await bearer(request)
        except SignInAgain:
            return _problem(401, "your session has ended; sign in again")
        deps = deps_of(request)
        passed_on = {k: v for k in FORWARDED_REQUEST_HEADERS if (v := request.headers.get(k))}
        passed_on |= {k: v for k, form in TRACE_HEADERS.items() if (v := request.headers.get(k, "")) and form.match(v)}
        headers = deps.upstream.headers(token, passed_on)
        params = [(k, v) for k, v in request.query_params.multi_items() if k not in DROPPED_PARAMS]
        body = await request.body() if request.method in {"POST", "PUT"} else None
        stream = path.endswith("/stream")
        key = str(session.member_id)
        if stream and open_streams[key] >= deps.web.max_streams_per_session:
            return _problem(429, "too many live streams open; close another tab")
        client = deps.upstream.client
        upstream_request = client.build_request(
            request.method,
            deps.upstream.url(service, path),
            params=params,
            content=body,
            headers=headers,
            timeout=httpx.Timeout(deps.upstream.client.timeout.connect, read=None) if stream else client.timeout,
        )
        try:
            upstream = await client.send(upstream_request, stream=True)
        except httpx.HTTPError as error:
            raise UpstreamUnavailable(f"{service} did not answer") from error
        passed = {k: v for k in PASSED_BACK_HEADERS if (v := upstream.headers.get(k))}
        if passed.get("content-type", "").startswith("text/event-stream"):
            passed["x-accel-buffering"] = "no"  # nginx and ingress controllers: send each event at once
            passed["cache-control"] = "no-store"
        return Stream(self._relay(upstream, key if stream else None), status_code=upstream.status_code, headers=passed)

    @staticmethod
    async def _relay(upstream: httpx.Response, stream_key: str | None) -> AsyncIterator[bytes]:
        if stream_key:
            open_streams[stream_key] += 1
        try:
            async for chunk in upstream.aiter_raw():
                yield chunk
        finally:
            await upstream.aclose()  # also when the browser went away
            if stream_key:
                open_streams[stream_key] -= 1
