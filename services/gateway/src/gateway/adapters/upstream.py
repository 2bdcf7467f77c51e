"""Calls to the services behind the gateway, over HTTP, as the signed-in person (their bearer token).

Only what a call needs goes upstream: the bearer token, the correlation and trace ids, and for streams
`Last-Event-ID`. Never the browser's cookies.

The client is aiohttp's: every page and every `/api` call of a browser makes at least one such call, and
aiohttp's pooled client costs about a tenth of httpx's per call (0.1 ms against 1.6 ms of CPU on this
project's machine), which is most of what the proxy adds to a direct call (see the README's performance
section and `bench/gateway_proxy.py`).
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from multidict import CIMultiDictProxy

from shared.errors import Unavailable
from shared.messaging import correlation

Params = Mapping[str, Any] | list[tuple[str, str]] | None


class UpstreamUnavailable(Unavailable):
    """A service behind the gateway did not answer, or failed (5xx)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A service's whole answer, read."""

    status_code: int
    headers: CIMultiDictProxy[str]
    content: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        """The body as JSON; ValueError when it is not JSON."""
        return jsonlib.loads(self.content)


def client_session(timeout_seconds: float, *, max_connections: int = 200) -> aiohttp.ClientSession:
    """The pooled client every call of this process shares (keep-alive connections to each service)."""
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=None, connect=min(timeout_seconds, 5.0), sock_read=timeout_seconds),
        connector=aiohttp.TCPConnector(limit=max_connections, limit_per_host=0, ttl_dns_cache=60),
        cookie_jar=aiohttp.DummyCookieJar(),  # a service's cookies are never kept, nor sent to another
        # no Accept-Encoding: a service answers uncompressed, and bodies pass through as they came (the proxy
        # does not pass Content-Encoding back, and the pages read the JSON)
        auto_decompress=False,
        skip_auto_headers=("User-Agent", "Accept-Encoding"),
    )


def _query(params: Params) -> list[tuple[str, str]] | None:
    """The query string's pairs: a list or tuple value repeats its name (`condition=G43&condition=M79.7`)."""
    if not params:
        return None
    items = params.items() if isinstance(params, Mapping) else params
    pairs = []
    for key, value in items:
        for one in value if isinstance(value, list | tuple) else [value]:
            if one is not None:
                pairs.append((str(key), str(one)))
    return pairs


class Upstream:
    def __init__(self, urls: dict[str, str], client: aiohttp.ClientSession) -> None:
        self.urls = {name: url.rstrip("/") for name, url in urls.items()}
        self.client = client

    def url(self, service: str, path: str) -> str:
        return self.urls[service] + path

    @staticmethod
    def headers(token: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if token:
            headers["authorization"] = f"Bearer {token}"
        correlation_id = correlation.correlation_id_var.get()
        if correlation_id:
            headers["x-correlation-id"] = correlation_id
            headers.setdefault("x-request-id", correlation_id)
        return headers

    async def call(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        params: Params = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """The service's answer; UpstreamUnavailable when it cannot be reached or fails (4xx are answers)."""
        async with self.open(
            service, method, path, token=token, json=json, params=params, content=content, headers=headers
        ) as response:
            answer = await self.read(service, response)
        if answer.status_code >= 500:
            raise UpstreamUnavailable(f"{service} answered {answer.status_code}")
        return answer

    @staticmethod
    async def read(service: str, response: aiohttp.ClientResponse) -> Answer:
        """The whole of an opened response; UpstreamUnavailable when the service stops sending midway."""
        try:
            body = await response.read()
        except (TimeoutError, aiohttp.ClientError) as error:
            raise UpstreamUnavailable(f"{service} did not answer: {type(error).__name__}") from error
        return Answer(response.status, response.headers, body)

    @asynccontextmanager
    async def open(
        self,
        service: str,
        method: str,
        path: str,
        *,
        token: str | None = None,
        json: Any = None,
        params: Params = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        stream: bool = False,
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """The service's response as it arrives (its body not yet read), closed on leaving; a `stream` has
        no read timeout (an event stream may be quiet for a long while). Any status is returned."""
        if json is not None:
            content = jsonlib.dumps(json).encode()
            headers = {**(headers or {}), "content-type": "application/json"}
        timeout = (
            aiohttp.ClientTimeout(total=None, connect=self.client.timeout.connect, sock_read=None) if stream else None
        )
        try:
            response = await self.client.request(
                method,
                self.url(service, path),
                params=_query(params),
                data=content,
                headers=self.headers(token, headers),
                timeout=timeout or self.client.timeout,
                allow_redirects=False,
            )
        except (TimeoutError, aiohttp.ClientError) as error:
            raise UpstreamUnavailable(f"{service} did not answer: {type(error).__name__}") from error
        try:
            yield response
        finally:
            if stream:
                response.close()  # a stream left midway cannot go back to the pool
            else:
                response.release()  # back to the pool once read (closed if it was not read to the end)
