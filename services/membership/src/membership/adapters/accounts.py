"""SQL for accounts: the person, their profile and credentials."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from membership.domain.accounts import Account, EmailTaken
from membership.domain.profile import Profile

_PROFILE_COLUMNS = "display_name, locale, time_zone, languages, birth_year, gender, is_caregiver"


def _account(row: asyncpg.Record) -> Account:
    profile = Profile(
        display_name=row["display_name"],
        locale=row["locale"],
        time_zone=row["time_zone"],
        languages=list(row["languages"]),
        birth_year=row["birth_year"],
        gender=row["gender"],
        kind="caregiver" if row["is_caregiver"] else "patient",
    )
    return Account(
        member_id=row["member_id"],
        email=row["email"],
        profile=profile,
        federation_roles=list(row["federation_roles"]),
    )


async def insert_account(
    conn: asyncpg.Connection, member_id: UUID, email: str, profile: Profile, password_hash: str | None
) -> None:
    """Store a new account; EmailTaken when the e-mail address is already registered."""
    try:
        await conn.execute(
            f"INSERT INTO accounts (member_id, email, password_hash, {_PROFILE_COLUMNS})"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            member_id,
            email,
            password_hash,
            *_profile_values(profile),
        )
    except asyncpg.UniqueViolationError as error:
        raise EmailTaken(email) from error


def _profile_values(profile: Profile) -> tuple[object, ...]:
    return (
        profile.display_name,
        profile.locale,
        profile.time_zone,
        profile.languages,
        profile.birth_year,
        profile.gender,
        profile.is_caregiver,
    )


async def get_account(conn: asyncpg.Connection, member_id: UUID) -> Account | None:
    row = await conn.fetchrow(
        f"SELECT member_id, email, federation_roles, {_PROFILE_COLUMNS} FROM accounts WHERE member_id = $1",
        member_id,
    )
    return None if row is None else _account(row)


async def get_account_by_email(conn: asyncpg.Connection, email: str) -> Account | None:
    row = await conn.fetchrow(
        f"SELECT member_id, email, federation_roles, {_PROFILE_COLUMNS} FROM accounts WHERE lower(email) = lower($1)",
        email,
    )
    return None if row is None else _account(row)


async def password_hash_for(conn: asyncpg.Connection, email: str) -> tuple[UUID, str | None] | None:
    row = await conn.fetchrow("SELECT member_id, password_hash FROM accounts WHERE lower(email) = lower($1)", email)
    return None if row is None else (row["member_id"], row["password_hash"])


async def set_password_hash(conn: asyncpg.Connection, member_id: UUID, password_hash: str) -> None:
    await conn.execute("UPDATE accounts SET password_hash = $2 WHERE member_id = $1", member_id, password_hash)


async def update_profile(conn: asyncpg.Connection, member_id: UUID, profile: Profile) -> None:
    await conn.execute(
        "UPDATE accounts SET display_name = $2, locale = $3, time_zone = $4, languages = $5, birth_year = $6,"
        " gender = $7, is_caregiver = $8, updated_at = now() WHERE member_id = $1",
        member_id,
        *_profile_values(profile),
    )


async def set_federation_roles(conn: asyncpg.Connection, member_id: UUID, roles: list[str]) -> None:
    await conn.execute("UPDATE accounts SET federation_roles = $2 WHERE member_id = $1", member_id, roles)


async def lock_account(conn: asyncpg.Connection, member_id: UUID) -> bool:
    """Hold the person's row until the transaction ends (changes to their data run one at a time); False when gone."""
    found = await conn.fetchval("SELECT member_id FROM accounts WHERE member_id = $1 FOR UPDATE", member_id)
    return found is not None
