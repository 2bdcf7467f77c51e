"""SQL that reads what deciding about a member's message needs: directory, preferences, quiet hours."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from notifications.domain.categories import Category, Channel, is_category, is_channel
from notifications.domain.delivery import Recipient
from notifications.domain.quiet_hours import QuietHours


async def load(conn: asyncpg.Connection, member_id: UUID) -> Recipient | None:
    """The member as notifications knows them now; None when the directory has no row for them."""
    row = await conn.fetchrow(
        "SELECT d.member_id, d.display_name, d.email, d.locale, d.time_zone, d.consents, d.active, d.membership_known,"
        " q.starts_at, q.ends_at,"
        " ARRAY(SELECT p.category || ':' || p.channel FROM preferences p"
        "       WHERE p.member_id = d.member_id AND NOT p.enabled) AS disabled"
        " FROM directory d LEFT JOIN quiet_hours q ON q.member_id = d.member_id WHERE d.member_id = $1",
        member_id,
    )
    if row is None:
        return None
    return Recipient(
        member_id=row["member_id"],
        display_name=row["display_name"],
        email=row["email"],
        locale=row["locale"],
        time_zone=row["time_zone"],
        consents=frozenset(row["consents"]),
        active=row["active"],
        membership_known=row["membership_known"],
        disabled=frozenset(pair for value in row["disabled"] if (pair := _pair(value))),
        quiet_hours=None if row["starts_at"] is None else QuietHours(row["starts_at"], row["ends_at"]),
    )


def _pair(value: str) -> tuple[Category, Channel] | None:
    category, _, channel = value.partition(":")
    return (category, channel) if is_category(category) and is_channel(channel) else None
