"""What the gateway's handlers and middleware receive, built once in `bootstrap`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from gateway.adapters.rate_limits import PageCounter
from gateway.adapters.upstream import Upstream
from gateway.domain.sessions import Lifetimes
from gateway.settings import WebSettings
from shared.dependencies import Dependencies


@dataclass(kw_only=True)
class GatewayDependencies(Dependencies):
    upstream: Upstream
    web: WebSettings
    csrf_secret: bytes
    rate_limits: dict[str, int]  # kind of request → requests per minute
    page_counter: PageCounter  # the page limit's counts, written in batches

    @property
    def cookie_name(self) -> str:
        # __Host-: the browser only keeps it if Secure, for this exact host, on Path=/ (no subdomain can set it)
        return "__Host-fellowship_session" if self.web.cookie_secure else "fellowship_session"

    @property
    def lifetimes(self) -> Lifetimes:
        return Lifetimes(
            idle=timedelta(seconds=self.web.idle_seconds),
            absolute=timedelta(seconds=self.web.absolute_seconds),
            warning=timedelta(seconds=self.web.warning_seconds),
        )

    @property
    def refresh_margin(self) -> timedelta:
        return timedelta(seconds=self.web.refresh_margin_seconds)
