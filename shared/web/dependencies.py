"""The Litestar dependencies every service registers: its pool, the authenticated caller and "me".

Each reads the service's one `Dependencies` object from the app's state (see `shared.dependencies`).
Handlers declare `pool: Pool`, `caller: Caller` or `me: Me`.
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from shared.db.revocations import is_revoked
from shared.dependencies import STATE_KEY, Dependencies
from shared.errors import Unauthorized
from shared.web.auth import Principal

D = TypeVar("D", bound=Dependencies)


def dependencies_of(state: State, kind: type[D]) -> D:
    """The service's dependencies object, checked to be of the service's own `kind`."""
    found = state[STATE_KEY]
    if not isinstance(found, kind):
        raise TypeError(f"app.state.{STATE_KEY} is a {type(found).__name__}, not a {kind.__name__}")
    return found


def provide_pool(state: State) -> asyncpg.Pool:
    return dependencies_of(state, Dependencies).database


async def provide_caller(request: Request[Any, Any, Any]) -> Principal:
    """The caller, from a valid bearer token (401 otherwise) whose session was not revoked since it was
    issued (logout, erasure); roles as the token states them."""
    dependencies = dependencies_of(request.app.state, Dependencies)
    principal = await dependencies.jwt_validator.principal_from(request)
    await refuse_revoked(dependencies, principal)
    return principal


async def refuse_revoked(dependencies: Dependencies, principal: Principal) -> None:
    """Unauthorized when the principal's session was revoked after their token was issued."""
    if dependencies.pool is not None and await is_revoked(
        dependencies.pool, principal.member_id, float(principal.claims.get("iat", 0))
    ):
        raise Unauthorized("this session has ended (logged out or erased); log in again")


async def provide_me(caller: NamedDependency[Principal]) -> UUID:
    """The caller's member id (401 when the token's subject is not one)."""
    return caller.member_id


DEPENDENCIES = {
    "pool": Provide(provide_pool, sync_to_thread=False),
    "caller": Provide(provide_caller),
    "me": Provide(provide_me),
}

# What handlers declare to receive them.
Pool = NamedDependency[asyncpg.Pool]
Caller = NamedDependency[Principal]
Me = NamedDependency[UUID]  # the caller's member id
