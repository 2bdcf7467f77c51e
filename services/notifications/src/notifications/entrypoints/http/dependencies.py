"""What notifications' handlers receive beyond the shared pool, caller and "me": the inbox listener, the
unsubscribe secret and the stream's caller, all from the one `NotificationsDependencies` that `bootstrap`
built."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter, SkipValidation

from notifications.adapters.inbox_listener import InboxListener
from notifications.dependencies import NotificationsDependencies
from notifications.domain.unsubscribe import Secret
from shared.web.auth import Principal
from shared.web.dependencies import dependencies_of, refuse_revoked

ACCESS_TOKEN_PARAMETER = QueryParameter(
    name="access_token",
    description="The access token, for clients that cannot send an Authorization header (a browser's EventSource)."
    " Prefer the header: a URL may be written to logs.",
)


def _mine(state: State) -> NotificationsDependencies:
    return dependencies_of(state, NotificationsDependencies)


def provide_inbox_listener(state: State) -> InboxListener:
    return _mine(state).inbox_listener


def provide_unsubscribe_secret(state: State) -> Secret:
    return _mine(state).unsubscribe_secret


async def provide_stream_caller(
    request: Request[Any, Any, Any], access_token: Annotated[str | None, ACCESS_TOKEN_PARAMETER] = None
) -> Principal:
    """Like `caller`, but the token may also come as `?access_token=` (the Authorization header wins)."""
    dependencies = _mine(request.app.state)
    validator = dependencies.jwt_validator
    if request.headers.get("authorization") or not access_token:
        principal = await validator.principal_from(request)
    else:
        principal = await validator.principal_of(access_token)
    await refuse_revoked(dependencies, principal)
    return principal


DEPENDENCIES = {
    "inbox_listener": Provide(provide_inbox_listener, sync_to_thread=False),
    "unsubscribe_secret": Provide(provide_unsubscribe_secret, sync_to_thread=False),
    "stream_caller": Provide(provide_stream_caller),
}

# What handlers declare to receive them.
Listener = NamedDependency[InboxListener]
UnsubscribeSecret = NamedDependency[SkipValidation[Secret]]  # str | bytes: nothing to validate
StreamCaller = NamedDependency[Principal]
