"""SQL that writes the in-app inbox (the HTTP API reads it: adapters/inbox.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from notifications.domain.categories import Category


@dataclass(frozen=True)
class NewEntry:
    member_id: UUID
    event_id: UUID
    category: Category
    template: str
    title: str
    body: str
    link: str | None
    context: dict[str, Any]  # with `anonymous`: the title and body without the names of `mentions`
    mentions: list[UUID] = field(default_factory=list)


async def add(conn: asyncpg.Connection, entry: NewEntry) -> bool:
    """Insert the entry unless this message already put one in this member's inbox; True when inserted."""
    status: str = await conn.execute(
        "INSERT INTO inbox_entries (entry_id, member_id, event_id, category, template, title, body, link, context,"
        " mentions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (event_id, member_id) DO NOTHING",
        uuid4(),
        entry.member_id,
        entry.event_id,
        entry.category,
        entry.template,
        entry.title,
        entry.body,
        entry.link,
        entry.context,
        entry.mentions,
    )
    return status == "INSERT 0 1"
