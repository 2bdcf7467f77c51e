"""SQL for a member's notification preferences (category × channel; no row means on) and quiet hours.

Nothing is stored for an erased member (an old unsubscribe link, a token issued before the erasure), so
their erasure stays complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

import asyncpg

from notifications.domain.categories import Category, Channel
from notifications.domain.quiet_hours import QuietHours

Choices = Mapping[tuple[Category, Channel], bool]
_NOT_ERASED = "NOT EXISTS (SELECT 1 FROM erased_members WHERE member_id = $1)"


async def stored_choices(conn: asyncpg.Connection, member_id: UUID) -> dict[tuple[Category, Channel], bool]:
    """The choices the member made; a pair missing here is on."""
    rows = await conn.fetch("SELECT category, channel, enabled FROM preferences WHERE member_id = $1", member_id)
    return {(row["category"], row["channel"]): row["enabled"] for row in rows}


async def store_choices(conn: asyncpg.Connection, member_id: UUID, choices: Choices) -> None:
    pairs = list(choices.items())
    await conn.execute(
        "INSERT INTO preferences (member_id, category, channel, enabled)"
        " SELECT $1::uuid, category, channel, enabled FROM unnest($2::text[], $3::text[], $4::boolean[])"
        " AS chosen (category, channel, enabled)"
        f" WHERE {_NOT_ERASED} ON CONFLICT (member_id, category, channel) DO UPDATE SET enabled = EXCLUDED.enabled",
        member_id,
        [category for (category, _), _ in pairs],
        [channel for (_, channel), _ in pairs],
        [enabled for _, enabled in pairs],
    )


async def quiet_hours(conn: asyncpg.Connection, member_id: UUID) -> QuietHours | None:
    row = await conn.fetchrow("SELECT starts_at, ends_at FROM quiet_hours WHERE member_id = $1", member_id)
    return None if row is None else QuietHours(row["starts_at"], row["ends_at"])


async def store_quiet_hours(conn: asyncpg.Connection, member_id: UUID, quiet: QuietHours) -> None:
    await conn.execute(
        "INSERT INTO quiet_hours (member_id, starts_at, ends_at)"
        f" SELECT $1::uuid, $2::time, $3::time WHERE {_NOT_ERASED}"
        " ON CONFLICT (member_id) DO UPDATE SET starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at",
        member_id,
        quiet.starts_at,
        quiet.ends_at,
    )


async def clear_quiet_hours(conn: asyncpg.Connection, member_id: UUID) -> bool:
    """Remove the member's quiet hours; whether there were any."""
    status: str = await conn.execute("DELETE FROM quiet_hours WHERE member_id = $1", member_id)
    return status != "DELETE 0"


async def time_zone(conn: asyncpg.Connection, member_id: UUID) -> str | None:
    """The member's IANA time zone as membership last told it; None when unknown."""
    zone: str | None = await conn.fetchval("SELECT time_zone FROM directory WHERE member_id = $1", member_id)
    return zone
