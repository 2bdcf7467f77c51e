"""A browser session: who is signed in, their tokens, and when the session ends. No I/O.

The browser holds only the session's id (256 random bits) in an HttpOnly cookie; everything here stays in
the gateway's database, found by the id's SHA-256. A session ends when unused for the idle timeout, or at
its absolute limit, whichever comes first; sign-in and a change of roles give it a new id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

ID_BYTES = 32
TOUCH_EVERY = timedelta(seconds=30)  # how often a session's last use is written (not on every request)


def new_session_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


def id_hash(session_id: str) -> bytes:
    return hashlib.sha256(session_id.encode()).digest()


def csrf_token(secret: bytes, session_id: str) -> str:
    """The form token bound to this session: useless in any other session, and unguessable without the id."""
    return hmac.new(secret, b"csrf:" + session_id.encode(), hashlib.sha256).hexdigest()


def csrf_matches(secret: bytes, session_id: str, presented: str) -> bool:
    return hmac.compare_digest(csrf_token(secret, session_id), presented)


@dataclass(frozen=True)
class Lifetimes:
    idle: timedelta
    absolute: timedelta
    warning: timedelta


@dataclass
class Tokens:
    access_token: str
    access_expires: datetime
    refresh_token: str


@dataclass
class Session:
    """One browser's session. What changed tells the store what to write: `changed` (page state, last use),
    `tokens_changed` (who is signed in, their tokens and roles: written only by the request that changed
    them, so parallel requests never put back tokens another one has just refreshed), `previous_id` (a new
    id), `ended`."""

    id: str
    created_at: datetime
    last_seen_at: datetime
    idle_expires_at: datetime
    expires_at: datetime
    member_id: UUID | None = None
    tokens: Tokens | None = None
    roles: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    signed_in_at: datetime | None = None
    is_new: bool = False
    changed: bool = False
    tokens_changed: bool = False
    previous_id: str | None = None
    ended: bool = False

    @classmethod
    def start(cls, now: datetime, lifetimes: Lifetimes) -> Session:
        return cls(
            id=new_session_id(),
            created_at=now,
            last_seen_at=now,
            idle_expires_at=now + lifetimes.idle,
            expires_at=now + lifetimes.absolute,
            is_new=True,
            changed=True,
        )

    @property
    def signed_in(self) -> bool:
        return self.member_id is not None and self.tokens is not None and not self.ended

    def is_live(self, now: datetime) -> bool:
        return not self.ended and now < self.idle_expires_at and now < self.expires_at

    def touch(self, now: datetime, lifetimes: Lifetimes) -> None:
        """A use of the session: the idle clock starts again (written at most every TOUCH_EVERY)."""
        if now - self.last_seen_at >= TOUCH_EVERY or self.changed:
            self.last_seen_at = now
            self.idle_expires_at = min(now + lifetimes.idle, self.expires_at)
            self.changed = True

    def extend(self, now: datetime, lifetimes: Lifetimes) -> None:
        """ "Stay signed in": the idle clock starts again now (never past the absolute limit)."""
        self.last_seen_at = now
        self.idle_expires_at = min(now + lifetimes.idle, self.expires_at)
        self.changed = True

    def seconds_left(self, now: datetime) -> int:
        return max(0, int((min(self.idle_expires_at, self.expires_at) - now).total_seconds()))

    def rotate(self) -> None:
        """A new id for the same session (sign-in, a change of roles); the old id stops working."""
        if self.previous_id is None and not self.is_new:
            self.previous_id = self.id
        self.id = new_session_id()
        self.changed = True

    def sign_in(self, member_id: UUID, tokens: Tokens, roles: dict[str, Any], now: datetime) -> None:
        self.rotate()
        self.member_id = member_id
        self.tokens = tokens
        self.roles = roles
        self.signed_in_at = now
        self.changed = self.tokens_changed = True

    def replace_tokens(self, tokens: Tokens, roles: dict[str, Any]) -> None:
        """New tokens after a refresh; a change of roles also gives the session a new id."""
        if roles != self.roles:
            self.rotate()
        self.tokens = tokens
        self.roles = roles
        self.changed = self.tokens_changed = True

    def end(self) -> None:
        self.ended = True
        self.changed = True

    def put(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.changed = True

    def pop(self, key: str, default: Any = None) -> Any:
        if key in self.data:
            self.changed = True
            return self.data.pop(key)
        return default
