"""What notifications' handlers receive: the pool, the caller (from a membership access token), the inbox
listener and the unsubscribe secret, all from the app's state as `bootstrap` set it."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter, SkipValidation

from notifications.adapters.inbox_listener import InboxListener
from notifications.domain.unsubscribe import Secret
from shared.web.auth import JwtValidator, Principal, provide_principal
from shared.web.errors import Unauthorized

ACCESS_TOKEN_PARAMETER = QueryParameter(
    name="access_token",
    description="The access token, for clients that cannot send an Authorization header (a browser's EventSource)."
    " Prefer the header: a URL may be written to logs.",
)


def provide_pool(state: State) -> asyncpg.Pool:
    pool: asyncpg.Pool = state.pool
    return pool


def provide_inbox_listener(state: State) -> InboxListener:
    listener: InboxListener = state.inbox_listener
    return listener


def provide_unsubscribe_secret(state: State) -> Secret:
    secret: Secret = state.unsubscribe_secret
    return secret


async def provide_caller(request: Request[Any, Any, Any]) -> Principal:
    """The caller's token from the Authorization header, validated against membership's keys (401 otherwise)."""
    return await provide_principal(request)


async def provide_stream_caller(
    request: Request[Any, Any, Any], access_token: Annotated[str | None, ACCESS_TOKEN_PARAMETER] = None
) -> Principal:
    """Like `caller`, but the token may also come as `?access_token=` (the Authorization header wins)."""
    if request.headers.get("authorization") or not access_token:
        return await provide_principal(request)
    validator: JwtValidator = request.app.state.jwt_validator
    return await asyncio.to_thread(validator.validate, access_token)


def member_of(caller: Principal) -> UUID:
    """The caller's member id (the token's subject)."""
    try:
        return UUID(caller.subject)
    except ValueError as error:
        raise Unauthorized("the access token's subject is not a member id") from error


async def provide_me(caller: NamedDependency[Principal]) -> UUID:
    return member_of(caller)


DEPENDENCIES = {
    "pool": Provide(provide_pool, sync_to_thread=False),
    "inbox_listener": Provide(provide_inbox_listener, sync_to_thread=False),
    "unsubscribe_secret": Provide(provide_unsubscribe_secret, sync_to_thread=False),
    "caller": Provide(provide_caller),
    "stream_caller": Provide(provide_stream_caller),
    "me": Provide(provide_me),
}

# What handlers declare to receive them.
Pool = NamedDependency[asyncpg.Pool]
Listener = NamedDependency[InboxListener]
UnsubscribeSecret = NamedDependency[SkipValidation[Secret]]  # str | bytes: nothing to validate
Caller = NamedDependency[Principal]
StreamCaller = NamedDependency[Principal]
Me = NamedDependency[UUID]  # the caller's member id
