"""Use cases of secrets sent by e-mail: signing in with a one-time code, and resetting a password.

Asking for a code or a reset link answers the same whether or not the address has an account (the e-mail
goes only to an owner), and no more than a few e-mails of a kind go to one address per throttle window.
A code works for `sign_in_code_minutes`, once, and dies after `sign_in_code_attempts` wrong tries; a
reset link works for `password_reset_minutes`, once. The code path is the owner's way in when someone
else's wrong passwords have locked the password path: it is not held back by the password's failures,
and a code sign-in clears them.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import asyncpg

from membership.adapters import accounts, challenges, login_throttle, passwords, tokens
from membership.adapters.tokens import TokenPair
from membership.domain.accounts import password_problem
from membership.service_layer.auth import AuthConfig, addressed_to, issue_tokens, mailable_owner
from membership.service_layer.sessions import end_access_tokens
from shared.contracts.membership import PasswordResetRequested, SignInCodeIssued
from shared.db.outbox import enqueue
from shared.errors import InvalidInput, TooManyRequests, Unauthorized

WRONG_CODE = "the code is not right, was used already or has expired; ask for a new one"
DEAD_LINK = "this link was used already or has expired; ask for a new one"


async def request_sign_in_code(pool: asyncpg.Pool, config: AuthConfig, email: str) -> None:
    """E-mail a one-time sign-in code to the account's owner, if there is an account."""
    async with pool.acquire() as conn, conn.transaction():
        if (account := await mailable_owner(conn, config, "sign_in_code", email)) is None:
            return
        code = challenges.new_code()
        ttl = timedelta(minutes=config.challenges.sign_in_code_minutes)
        expires_at = await challenges.issue_code(conn, account.member_id, code, ttl)
        await enqueue(conn, SignInCodeIssued(**addressed_to(account), code=code, expires_at=expires_at))


async def sign_in_with_code(pool: asyncpg.Pool, config: AuthConfig, email: str, code: str, address: str) -> TokenPair:
    """Tokens for the right code; 401 otherwise. Wrong codes count against the code itself and against the
    client address (apart from wrong passwords), so no one sprays codes across accounts."""
    window = timedelta(seconds=config.throttle.window_seconds)
    async with pool.acquire() as conn:
        async with conn.transaction():
            attempt = await login_throttle.reserve_attempt(
                conn, {login_throttle.code_address_key(address): config.throttle.per_address}, window
            )
        if attempt is None:
            raise TooManyRequests(
                "too many failed sign-ins from here; wait a few minutes before trying again",
                headers={"Retry-After": str(config.throttle.window_seconds)},
            )
        async with conn.transaction():  # a wrong try is committed (counted) before the refusal
            account = await accounts.get_account_by_email(conn, email.strip())
            right = account is not None and await challenges.use_code(
                conn, account.member_id, code.strip(), config.challenges.sign_in_code_attempts
            )
        if account is None or not right:
            raise Unauthorized(WRONG_CODE)
        async with conn.transaction():
            await login_throttle.withdraw(conn, attempt)
            await login_throttle.clear(conn, login_throttle.account_key(account.email))
            return await issue_tokens(conn, config, account.member_id)


async def request_password_reset(pool: asyncpg.Pool, config: AuthConfig, email: str) -> None:
    """E-mail a single-use link to choose a new password to the account's owner, if there is an account."""
    async with pool.acquire() as conn, conn.transaction():
        if (account := await mailable_owner(conn, config, "password_reset", email)) is None:
            return
        token = challenges.new_token()
        ttl = timedelta(minutes=config.challenges.password_reset_minutes)
        expires_at = await challenges.issue_token(conn, account.member_id, "password_reset", token, ttl)
        await enqueue(conn, PasswordResetRequested(**addressed_to(account), token=token, expires_at=expires_at))


async def reset_password(pool: asyncpg.Pool, token: str, new_password: str) -> None:
    """Set the new password with a reset link's token, once. Every session of the person ends (refresh
    tokens revoked, access tokens refused everywhere), every other reset link dies, and failed logins are
    forgotten. A password the rules refuse leaves the link usable."""
    password_hash = await passwords.hash_password(new_password)
    async with pool.acquire() as conn, conn.transaction():
        challenge = await challenges.use_token(conn, "password_reset", token)
        account = None if challenge is None else await accounts.get_account(conn, challenge.member_id)
        if account is None:
            raise Unauthorized(DEAD_LINK)
        if problem := password_problem(new_password, account.email):
            raise InvalidInput(problem)  # rolled back: the link still works
        await set_password(conn, account.member_id, account.email, password_hash)


async def set_password(conn: asyncpg.Connection, member_id: UUID, email: str, password_hash: str) -> None:
    """A password chosen through an e-mailed link: other reset links die, every session ends, failed logins
    are forgotten (the owner is back in control)."""
    await accounts.set_password_hash(conn, member_id, password_hash)
    await challenges.use_all(conn, member_id, "password_reset")
    await tokens.revoke_all(conn, member_id)
    await end_access_tokens(conn, member_id)
    await login_throttle.clear(conn, login_throttle.account_key(email))
