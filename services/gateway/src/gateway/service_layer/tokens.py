"""The signed-in person's tokens: kept in their session, refreshed before they expire, one refresh at a time.

Membership's access tokens last minutes; the gateway swaps the browser's session for one on every call to
a service. When one is close to expiry, the first request to notice refreshes it under a lock on the
session's row (so replicas and parallel requests never spend the same refresh token twice); the others
wait and use the new one. A refused refresh ends the session: the person signs in again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from gateway.adapters import sessions
from gateway.adapters.upstream import Upstream
from gateway.domain.sessions import Session, Tokens
from shared.errors import Unauthorized
from shared.web.auth import JwtValidator


class SignInAgain(Unauthorized):
    """The session has ended (signed out, timed out, revoked or erased): sign in again."""


async def tokens_of(
    jwt_validator: JwtValidator, body: dict[str, Any], now: datetime
) -> tuple[UUID, Tokens, dict[str, Any]]:
    """Who a token pair from membership belongs to, the pair, and the roles its access token carries."""
    principal = await jwt_validator.principal_of(body["access_token"])
    tokens = Tokens(
        access_token=body["access_token"],
        access_expires=now + timedelta(seconds=int(body["expires_in"])),
        refresh_token=body["refresh_token"],
    )
    roles = {"associations": principal.roles, "federation": principal.federation_roles}
    return principal.member_id, tokens, roles


async def bearer(
    pool: asyncpg.Pool,
    upstream: Upstream,
    jwt_validator: JwtValidator,
    session: Session | None,
    now: datetime,
    margin: timedelta,
    *,
    force: bool = False,
) -> str:
    """A valid access token of the session's person, refreshed first when it expires within `margin` (or
    when `force`d, after a change that adds roles). SignInAgain when there is none to be had."""
    if session is None or not session.signed_in or session.tokens is None:
        raise SignInAgain("sign in to see this page")
    if not force and session.tokens.access_expires - now > margin:
        return session.tokens.access_token
    async with pool.acquire() as conn, conn.transaction():
        locked = await sessions.load_for_update(conn, session.id)
        if locked is None or locked.tokens is None:
            session.end()
            raise SignInAgain("your session has ended; please sign in again")
        # Another request (or replica) refreshed while this one waited for the lock: use its tokens. Refresh
        # tokens are unique, so a different one means a refresh happened (access tokens issued in the same
        # second can be identical).
        refreshed_meanwhile = locked.tokens.refresh_token != session.tokens.refresh_token
        if refreshed_meanwhile or (not force and locked.tokens.access_expires - now > margin):
            session.tokens, session.roles = locked.tokens, locked.roles
            return locked.tokens.access_token
        response = await upstream.call(
            "membership", "POST", "/auth/refresh", json={"refresh_token": locked.tokens.refresh_token}
        )
        if not response.is_success:
            await sessions.end_session(conn, session.id)
            session.end()
            raise SignInAgain("your session has ended; please sign in again")
        _, tokens, roles = await tokens_of(jwt_validator, response.json(), now)
        session.replace_tokens(tokens, roles)
        await sessions.save(conn, session)
    return tokens.access_token
