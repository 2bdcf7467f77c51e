"""Calls to the services behind the gateway, over HTTP, as the signed-in person (their bearer token).

Only what a call needs goes upstream: the bearer token, the correlation and trace ids, and for streams
`Last-Event-ID`. Never the browser's cookies.
"""

from __future__ import annotations

from typing import Any

import httpx

from shared.errors import Unavailable
from shared.messaging import correlation


class UpstreamUnavailable(Unavailable):
    """A service behind the gateway did not answer, or failed (5xx)."""


class Upstream:
    def __init__(self, urls: dict[str, str], client: httpx.AsyncClient) -> None:
        self.urls = urls
        self.client = client

    def url(self, service: str, path: str) -> str:
        return self.urls[service].rstrip("/") + path

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
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """The service's answer; UpstreamUnavailable when it cannot be reached or fails (4xx are answers)."""
        try:
            response = await self.client.request(
                method,
                self.url(service, path),
                json=json,
                params=params,
                content=content,
                headers=self.headers(token, headers),
            )
        except httpx.HTTPError as error:
            raise UpstreamUnavailable(f"{service} did not answer: {type(error).__name__}") from error
        if response.status_code >= 500:
            raise UpstreamUnavailable(f"{service} answered {response.status_code}")
        return response
