"""Use cases: register, log in, refresh, log out; and who the caller of a request is.

Sign-in by an e-mailed code and password reset are in `email_sign_in`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from membership.adapters import accounts, login_throttle, memberships, passwords, tokens
from membership.adapters.signing_keys import KeyRing
from membership.adapters.tokens import AccessTokenIssuer, TokenPair
from membership.domain.access import Actor
from membership.domain.accounts import Account, EmailTaken, Registration
from membership.service_layer.sessions import end_access_tokens
from membership.settings import EmailChallengeSettings, LoginThrottleSettings
from shared.contracts.membership import RegistrationAttempted
from shared.db.outbox import enqueue
from shared.errors import Conflict, TooManyRequests, Unauthorized

BAD_CREDENTIALS = "the e-mail address or the password is not right"


@dataclass(frozen=True)
class AuthConfig:
    issuer: AccessTokenIssuer
    keys: KeyRing  # every key published in the JWKS (the issuer's among them)
    refresh_ttl: timedelta
    throttle: LoginThrottleSettings
    challenges: EmailChallengeSettings = field(default_factory=EmailChallengeSettings)


async def register(pool: asyncpg.Pool, config: AuthConfig, registration: Registration) -> None:
    """Create an account, or, when the address already has one, e-mail its owner instead: the answer is the
    same either way, so registering reveals nothing about who has an account. The password is hashed in both
    cases, so both take as long. Nothing is published about the person until they join."""
    password_hash = await passwords.hash_password(registration.password.get_secret_value())
    async with pool.acquire() as conn, conn.transaction():
        try:
            async with conn.transaction():  # a savepoint: a taken address rolls back only the insert
                await accounts.insert_account(conn, uuid4(), registration.email, registration.profile(), password_hash)
        except EmailTaken:
            if (owner := await mailable_owner(conn, config, "registration_attempted", registration.email)) is not None:
                await enqueue(conn, RegistrationAttempted(**addressed_to(owner)))


async def create_account(pool: asyncpg.Pool, registration: Registration) -> UUID:
    """An account made by an operator's command (the demo data, the first federation admin), not by a
    visitor: Conflict when the address is taken."""
    password_hash = await passwords.hash_password(registration.password.get_secret_value())
    member_id = uuid4()
    async with pool.acquire() as conn:
        try:
            await accounts.insert_account(conn, member_id, registration.email, registration.profile(), password_hash)
        except EmailTaken as error:
            raise Conflict("an account with this e-mail address already exists") from error
    return member_id


async def mailable_owner(conn: asyncpg.Connection, config: AuthConfig, kind: str, email: str) -> Account | None:
    """The account of `email` if another e-mail of `kind` may go to it now: a few per throttle window, so no
    one can use Fellowship to flood a mailbox. Counted in the caller's transaction; None otherwise."""
    account = await accounts.get_account_by_email(conn, email.strip())
    if account is None:
        return None
    window = timedelta(seconds=config.throttle.window_seconds)
    key = f"mail:{kind}:{account.email.lower()}"
    limit = {key: config.challenges.requests_per_window}
    return account if await login_throttle.reserve_attempt(conn, limit, window) is not None else None


def addressed_to(account: Account) -> dict[str, Any]:
    """The fields every account e-mail (`AccountMail`) carries: whose, where to, in which language and time."""
    return {
        "member_id": account.member_id,
        "email": account.email,
        "locale": account.profile.locale,
        "time_zone": account.profile.time_zone,
    }


async def login(pool: asyncpg.Pool, config: AuthConfig, email: str, password: str, address: str) -> TokenPair:
    """Tokens for the right password; 401 otherwise; 429 after too many recent failures for the account or address."""
    account_key = login_throttle.account_key(email)
    limits = {
        account_key: config.throttle.per_account,
        login_throttle.address_key(address): config.throttle.per_address,
    }
    window = timedelta(seconds=config.throttle.window_seconds)
    async with pool.acquire() as conn:
        async with conn.transaction():  # counted before the password is checked: no more than the limit are
            attempt = await login_throttle.reserve_attempt(conn, limits, window)
        if attempt is None:
            raise TooManyRequests(
                "too many failed logins; wait a few minutes, or sign in with a code sent by e-mail",
                headers={"Retry-After": str(config.throttle.window_seconds)},
            )
        found = await accounts.password_hash_for(conn, email.strip())
    member_id, password_hash = found if found is not None else (None, None)
    if member_id is None or not await passwords.verify_password(password_hash, password):
        raise Unauthorized(BAD_CREDENTIALS)  # the reserved attempt stays counted as a failure
    async with pool.acquire() as conn, conn.transaction():
        await login_throttle.withdraw(conn, attempt)
        await login_throttle.clear(conn, account_key)
        if password_hash is not None and passwords.needs_rehash(password_hash):
            await accounts.set_password_hash(conn, member_id, await passwords.hash_password(password))
        return await issue_tokens(conn, config, member_id)


async def refresh(pool: asyncpg.Pool, config: AuthConfig, refresh_token: str) -> TokenPair:
    """Rotate a refresh token into a new pair. Replaying a used token revokes all of that member's tokens."""
    async with pool.acquire() as conn, conn.transaction():
        member_id = await tokens.revoke_refresh_token(conn, refresh_token)
        if member_id is None:
            if (replayed_by := await tokens.was_revoked(conn, refresh_token)) is not None:
                await tokens.revoke_all(conn, replayed_by)
        elif await accounts.get_account(conn, member_id) is not None:
            return await issue_tokens(conn, config, member_id)
    raise Unauthorized("the refresh token is not valid any more; log in again")


async def logout(pool: asyncpg.Pool, refresh_token: str) -> None:
    """Revoke the refresh token, and end the access tokens issued until now everywhere (every service reads
    `member.sessions_revoked`). Unknown or already revoked tokens are fine: the outcome is the same."""
    async with pool.acquire() as conn, conn.transaction():
        member_id = await tokens.revoke_refresh_token(conn, refresh_token)
        if member_id is not None:
            await end_access_tokens(conn, member_id)


async def issue_tokens(conn: asyncpg.Connection, config: AuthConfig, member_id: UUID) -> TokenPair:
    """A new token pair, with the person's current roles, for someone who just proved who they are."""
    actor = await load_actor(conn, member_id)
    access = config.issuer.issue(member_id, actor.token_roles(), actor.federation_roles)
    refresh_token = await tokens.store_refresh_token(conn, member_id, config.refresh_ttl)
    return TokenPair(access_token=access, expires_in=config.issuer.ttl_seconds, refresh_token=refresh_token)


async def load_actor(conn: asyncpg.Connection, member_id: UUID) -> Actor:
    """The caller with their current roles; 401 when the account no longer exists (erased)."""
    account = await accounts.get_account(conn, member_id)
    if account is None:
        raise Unauthorized("this account no longer exists")
    held = await memberships.memberships_of(conn, member_id)
    return Actor(
        member_id=member_id,
        federation_roles=account.federation_roles,
        memberships={m.association_id: m for m in held},
    )
