"""What membership's handlers receive: the pool, the auth configuration and the authenticated caller."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from membership.domain.access import Actor
from membership.service_layer.auth import AuthConfig, load_actor
from shared.web.auth import provide_principal
from shared.web.errors import Unauthorized


def provide_pool(state: State) -> asyncpg.Pool:
    pool: asyncpg.Pool = state.pool
    return pool


def provide_auth(state: State) -> AuthConfig:
    config: AuthConfig = state.auth
    return config


async def provide_actor(request: Request[Any, Any, Any], pool: NamedDependency[asyncpg.Pool]) -> Actor:
    """The caller of an authenticated route, with their roles as stored now (401 without a valid token)."""
    principal = await provide_principal(request)
    async with pool.acquire() as conn:
        return await load_actor(conn, _member_id(principal.subject))


def _member_id(subject: str) -> UUID:
    try:
        return UUID(subject)
    except ValueError as error:
        raise Unauthorized("the access token's subject is not a member id") from error


DEPENDENCIES = {
    "pool": Provide(provide_pool, sync_to_thread=False),
    "auth_config": Provide(provide_auth, sync_to_thread=False),
    "actor": Provide(provide_actor),
}

# What handlers declare to receive them.
Pool = NamedDependency[asyncpg.Pool]
Auth = NamedDependency[AuthConfig]
Caller = NamedDependency[Actor]
