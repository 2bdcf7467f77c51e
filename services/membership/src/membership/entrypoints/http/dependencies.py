"""What membership's handlers receive beyond the shared pool: the auth configuration and the caller as an
`Actor`, with their roles as stored now (membership never trusts a token's roles)."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from membership.domain.access import Actor
from membership.service_layer.auth import AuthConfig, load_actor
from shared.dependencies import Dependencies
from shared.web.auth import Principal
from shared.web.dependencies import dependencies_of


@dataclass(kw_only=True)
class MembershipDependencies(Dependencies):
    auth: AuthConfig  # the token issuer and its rules
    member_keys_token: str | None = None  # what the other services send for people's data keys


def provide_auth(state: State) -> AuthConfig:
    return dependencies_of(state, MembershipDependencies).auth


def provide_member_keys_token(state: State) -> str | None:
    return dependencies_of(state, MembershipDependencies).member_keys_token


async def provide_actor(caller: NamedDependency[Principal], pool: NamedDependency[asyncpg.Pool]) -> Actor:
    """The caller of an authenticated route, with their roles as stored now (401 without a valid token)."""
    async with pool.acquire() as conn:
        return await load_actor(conn, caller.member_id)


DEPENDENCIES = {
    "auth_config": Provide(provide_auth, sync_to_thread=False),
    "actor": Provide(provide_actor),
    "member_keys_token": Provide(provide_member_keys_token, sync_to_thread=False),
}

# What handlers declare to receive them.
Auth = NamedDependency[AuthConfig]
Caller = NamedDependency[Actor]
MemberKeysToken = NamedDependency[str | None]
