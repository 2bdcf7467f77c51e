"""What a service's handlers receive, built once by its composition root (`bootstrap`).

One typed object per service, kept in the HTTP app's state and the broker's context: HTTP handlers get its
parts through `shared.web.dependencies`, subscribers take it whole as `Context("dependencies")`. A service
subclasses `Dependencies` to add its own parts (a clock, a mailer, a listener…); tests pass overrides to
`bootstrap` instead of patching state afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg

from shared.web.auth import JwtValidator

STATE_KEY = "dependencies"  # app.state key and broker context name

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(kw_only=True)
class Dependencies:
    """The parts every service has: its access-token validator, its clock and, when it has one, its database."""

    jwt_validator: JwtValidator
    pool: asyncpg.Pool | None = None
    clock: Clock = field(default=utc_now)

    @property
    def database(self) -> asyncpg.Pool:
        """The pool; a programming error to ask for in a service that has no database."""
        if self.pool is None:
            raise RuntimeError("this service has no database")
        return self.pool
