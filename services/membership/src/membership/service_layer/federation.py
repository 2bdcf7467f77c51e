"""Use case for operators: make sure a federation admin exists (the first one cannot be appointed over HTTP)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import asyncpg

from membership.adapters import accounts
from membership.domain.accounts import FEDERATION_ADMIN, Registration
from membership.service_layer import auth


@dataclass(frozen=True)
class FederationAdmin:
    member_id: UUID
    created: bool


async def ensure_federation_admin(pool: asyncpg.Pool, registration: Registration) -> FederationAdmin:
    """Grant `federation_admin` to the account with this e-mail, registering it first if there is none.

    An existing account keeps its password; running this again changes nothing.
    """
    async with pool.acquire() as conn:
        existing = await accounts.get_account_by_email(conn, registration.email)
    member_id = existing.member_id if existing else await auth.create_account(pool, registration)
    async with pool.acquire() as conn, conn.transaction():
        account = await accounts.get_account(conn, member_id)
        assert account is not None
        if not account.is_federation_admin:
            await accounts.set_federation_roles(conn, member_id, [*account.federation_roles, FEDERATION_ADMIN])
    return FederationAdmin(member_id=member_id, created=existing is None)
