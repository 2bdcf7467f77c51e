"""Use case: an association admin imports members from a CSV file, all or nothing.

Imported people get an account without a password: they cannot log in until a password-reset flow
exists (see LOGIN_NOTE). Their memberships are active at once and announced like any other join.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from uuid import UUID, uuid4

import asyncpg

from membership.adapters import accounts, member_directory, memberships
from membership.domain.access import Actor
from membership.domain.accounts import EmailTaken
from membership.domain.associations import Association
from membership.domain.member_import import ImportedMember, RowError, decode, describe, parse_members
from membership.service_layer.announcements import announce_joined
from membership.service_layer.memberships import existing_association
from shared.errors import Conflict, InvalidInput

LOGIN_NOTE = (
    "imported people have no password yet and cannot log in until they set one; Fellowship has no"
    " password-reset flow yet, so tell them before announcing the platform"
)


@dataclass(frozen=True)
class ImportResult:
    imported: int
    member_ids: list[UUID]


async def import_members(pool: asyncpg.Pool, actor: Actor, association_id: UUID, body: bytes) -> ImportResult:
    """Every row valid and no e-mail address known → all accounts and memberships in one transaction.

    Otherwise InvalidInput listing every problem as {row, column, message}, and nothing stored.
    """
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
    async with pool.acquire() as conn, conn.transaction():
        errors = parsed.errors + await _already_registered(conn, parsed.members)
        if errors:
            raise InvalidInput(describe(errors), extra=[asdict(error) for error in sorted(errors, key=_position)])
        member_ids = [await _admit(conn, association, member) for member in parsed.members]
    return ImportResult(imported=len(member_ids), member_ids=member_ids)


def _position(error: RowError) -> tuple[int, str]:
    return error.row, error.column or ""


async def _already_registered(conn: asyncpg.Connection, members: list[ImportedMember]) -> list[RowError]:
    known = await member_directory.registered_emails(conn, [member.email for member in members])
    return [
        RowError(
            member.row, "email", f"{member.email} already has an account; they can join the association themselves"
        )
        for member in members
        if member.email in known
    ]


async def _admit(conn: asyncpg.Connection, association: Association, member: ImportedMember) -> UUID:
    member_id = uuid4()
    try:
        await accounts.insert_account(conn, member_id, member.email, member.profile, password_hash=None)
    except EmailTaken as error:  # registered between the check and now
        raise Conflict(f"row {member.row}: {member.email} has just registered; import the file again") from error
    await memberships.request_membership(
        conn, member_id, association.association_id, active=True, roles=list(member.roles)
    )
    await announce_joined(conn, member_id, association, member.roles)
    return member_id
