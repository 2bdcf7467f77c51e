"""What matching's handlers receive: the pool and the authenticated caller (from a membership token)."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from shared.web.auth import Principal, provide_principal


def provide_pool(state: State) -> asyncpg.Pool:
    pool: asyncpg.Pool = state.pool
    return pool


async def provide_caller(request: Request[Any, Any, Any]) -> Principal:
    """The caller's token, validated against membership's keys (401 otherwise); roles come from its claims."""
    return await provide_principal(request)


DEPENDENCIES = {
    "pool": Provide(provide_pool, sync_to_thread=False),
    "caller": Provide(provide_caller),
}

# What handlers declare to receive them.
Pool = NamedDependency[asyncpg.Pool]
Caller = NamedDependency[Principal]
