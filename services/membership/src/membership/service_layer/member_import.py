"""Use cases: an association admin invites members from a CSV file (all rows or none); a person accepts.

Importing reveals nothing about who has an account anywhere, and lets no admin take an address: every
row becomes an invitation e-mailed to the address, and the answer is the same whether or not it has an
account. Nothing is linked to the association, and no account is made, until the address's owner accepts
with the e-mailed link: a new account then gets the file's profile and the password the owner chooses; an
existing account keeps its own profile and password. The membership is active at once, with the file's
roles, and announced like any other join.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from datetime import timedelta
from uuid import UUID, uuid4

import asyncpg

from membership.adapters import accounts, invitations, memberships, passwords
from membership.adapters.challenges import new_token
from membership.domain.access import Actor
from membership.domain.accounts import EmailTaken, password_problem
from membership.domain.associations import Association
from membership.domain.member_import import ImportedMember, RowError, decode, describe, parse_members
from membership.domain.memberships import check_roles
from membership.domain.profile import Profile
from membership.service_layer.announcements import announce_joined, lock_person
from membership.service_layer.memberships import existing_association
from shared.contracts.membership import InvitationIssued
from shared.db.outbox import enqueue
from shared.errors import InvalidInput, Unauthorized

DEAD_INVITATION = "this invitation was used already or has expired; ask the association to invite you again"


@dataclass(frozen=True)
class ImportResult:
    invited: int


@dataclass(frozen=True)
class Accepted:
    association_id: UUID
    member_id: UUID
    new_account: bool


async def import_members(
    pool: asyncpg.Pool, actor: Actor, association_id: UUID, body: bytes, invitation_ttl: timedelta
) -> ImportResult:
    """Every row valid → an invitation e-mailed to each address, in one transaction (a re-import sends new
    links, replacing the earlier). Otherwise InvalidInput listing every problem as {row, column, message},
    and nothing stored or sent."""
    actor.require_admin_of(association_id)
    try:
        text = decode(body)
    except ValueError as error:
        raise InvalidInput(str(error)) from error
    async with pool.acquire() as conn:
        association = await existing_association(conn, association_id)
    parsed = await asyncio.to_thread(
        parse_members, text, default_locale=association.default_locale, default_time_zone=association.time_zone
    )
    if parsed.errors:
        errors = sorted(parsed.errors, key=_position)
        raise InvalidInput(describe(parsed.errors), extra=[asdict(error) for error in errors])
    async with pool.acquire() as conn, conn.transaction():
        await invitations.delete_expired(conn)
        for member in parsed.members:
            await _invite(conn, actor, association, member, invitation_ttl)
    return ImportResult(invited=len(parsed.members))


def _position(error: RowError) -> tuple[int, str]:
    return error.row, error.column or ""


async def _invite(
    conn: asyncpg.Connection, actor: Actor, association: Association, member: ImportedMember, ttl: timedelta
) -> None:
    existing = await accounts.get_account_by_email(conn, member.email)
    member_id = existing.member_id if existing else uuid4()
    token = new_token()
    expires_at = await invitations.invite(
        conn,
        association_id=association.association_id,
        member_id=member_id,
        email=member.email,
        profile=member.profile.model_dump(mode="json"),
        roles=list(member.roles),
        token=token,
        invited_by=actor.member_id,
        ttl=ttl,
    )
    profile = existing.profile if existing else member.profile
    await enqueue(
        conn,
        InvitationIssued(
            member_id=member_id,
            email=existing.email if existing else member.email,
            locale=profile.locale,
            time_zone=profile.time_zone,
            association_name=association.name,
            token=token,
            expires_at=expires_at,
            new_account=existing is None,
        ),
    )


async def accept_invitation(pool: asyncpg.Pool, token: str, password: str | None) -> Accepted:
    """Join the inviting association with the e-mailed link's token, once. For an address with no account
    yet, `password` is required and the account is made; an existing account is linked as it is."""
    password_hash = None if password is None else await passwords.hash_password(password)
    async with pool.acquire() as conn, conn.transaction():
        invitation = await invitations.take(conn, token)
        if invitation is None:
            raise Unauthorized(DEAD_INVITATION)
        association = await existing_association(conn, invitation.association_id)
        account = await accounts.get_account_by_email(conn, invitation.email)
        new_account = account is None
        if account is None:
            if password is None or password_hash is None:
                raise InvalidInput("choose a password to create your account")  # rolled back: the link still works
            if problem := password_problem(password, invitation.email):
                raise InvalidInput(problem)
            profile = Profile.model_validate(invitation.profile)
            try:
                await accounts.insert_account(conn, invitation.member_id, invitation.email, profile, password_hash)
            except EmailTaken as error:  # registered at this very moment: the link can be used again to join
                raise InvalidInput("this address has just got an account; use the link again to join") from error
            member_id = invitation.member_id
        else:
            member_id = account.member_id
        await lock_person(conn, member_id)
        current = await memberships.lock_membership(conn, member_id, association.association_id)
        if current is None or current.stored_status != "active":
            roles = check_roles(invitation.roles)  # checked when the file was read
            await memberships.request_membership(
                conn, member_id, association.association_id, active=True, roles=list[str](roles)
            )
            await announce_joined(conn, member_id, association, roles)
    return Accepted(association_id=association.association_id, member_id=member_id, new_account=new_account)
