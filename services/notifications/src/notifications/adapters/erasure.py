"""SQL that forgets a member: contact, inbox entries, deliveries, preferences, quiet hours.

E-mail deliveries keep ids, never names (names are read when an e-mail is rendered); inbox entries of
other members that name the erased person are rewritten with the text rendered without names.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from shared.db.outbox import scrub_mentions


async def forget(conn: asyncpg.Connection, member_id: UUID) -> None:
    """Delete everything kept about `member_id` and remember (by id only) that they were erased."""
    if not conn.is_in_transaction():
        raise RuntimeError("forget must run in a transaction: an erasure is all or nothing")
    await conn.execute("INSERT INTO erased_members (member_id) VALUES ($1) ON CONFLICT DO NOTHING", member_id)
    for table in ("directory", "inbox_entries", "deliveries", "preferences", "quiet_hours"):
        await conn.execute(f"DELETE FROM {table} WHERE member_id = $1", member_id)  # fixed names
    await scrub_mentions(conn, str(member_id))  # their quiet hours not yet told to events: never told
    # Other people's entries that name them fall back to the text rendered without names.
    await conn.execute(
        "UPDATE inbox_entries SET title = context->'anonymous'->>'title', body = context->'anonymous'->>'body',"
        " mentions = '{}' WHERE mentions @> ARRAY[$1::uuid]",
        member_id,
    )
