"""The errors a caller can cause and fix, named by what went wrong; nothing here knows HTTP.

Use cases raise them with words that say what to fix; `shared.web.errors` alone maps each kind to an
HTTP status. Adapters raise narrower named facts (subclasses, e.g. membership's `EmailTaken`) that a use
case may catch or let through.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of errors a caller can cause and fix."""

    def __init__(
        self, detail: str, *, extra: dict[str, Any] | list[Any] | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}
        self.headers = headers or {}


class InvalidInput(DomainError):
    """The request is well formed but its values break a rule."""


class NotFound(DomainError):
    """No such thing, or none the caller may know about."""


class Conflict(DomainError):
    """The thing's current state does not allow this."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class Unauthorized(DomainError):
    """The caller could not be identified (no valid access token)."""


class TooManyRequests(DomainError):
    """Too many attempts; `headers` may say when to retry."""


class Unavailable(DomainError):
    """Something this depends on does not answer now; trying again later may work."""
