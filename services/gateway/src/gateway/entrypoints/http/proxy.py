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
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any

import aiohttp
from litestar import Controller, Response, route
from litestar.params import FromPath
from litestar.response import Stream

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
        ("GET", "events", r"/conferences/?"),
        ("GET", "events", rf"/conferences/{UUID_PART}"),
        ("GET", "events", rf"/conferences/{UUID_PART}/questions"),
        ("GET", "events", r"/me/registrations"),
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
        params = [(k, v) for k, v in request.query_params.multi_items() if k not in DROPPED_PARAMS]
        body = await request.body() if request.method in {"POST", "PUT"} else None
        stream = path.endswith("/stream")
        key = str(session.member_id)
        if stream and open_streams[key] >= deps.web.max_streams_per_session:
            return _problem(429, "too many live streams open; close another tab")
        call = deps.upstream.open(
            service, request.method, path, token=token, params=params, content=body, headers=passed_on, stream=stream
        )
        if not stream:
            async with call as upstream:
                answer = await deps.upstream.read(service, upstream)
            return Response(answer.content, status_code=answer.status_code, headers=_passed_back(answer.headers))
        upstream = await call.__aenter__()
        passed = _passed_back(upstream.headers)
        if passed.get("content-type", "").startswith("text/event-stream"):
            passed["x-accel-buffering"] = "no"  # nginx and ingress controllers: send each event at once
            passed["cache-control"] = "no-store"
        return Stream(self._relay(call, upstream, key), status_code=upstream.status, headers=passed)

    @staticmethod
    async def _relay(
        call: AbstractAsyncContextManager[aiohttp.ClientResponse], upstream: aiohttp.ClientResponse, stream_key: str
    ) -> AsyncIterator[bytes]:
        open_streams[stream_key] += 1
        try:
            async for chunk in upstream.content.iter_any():
                yield chunk
        finally:
            await call.__aexit__(None, None, None)  # also when the browser went away: the call upstream ends
            open_streams[stream_key] -= 1


def _passed_back(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k in PASSED_BACK_HEADERS if (v := headers.get(k))}
