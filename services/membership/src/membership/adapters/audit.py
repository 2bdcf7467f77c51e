"""The append-only audit trail of health-data access: who, what, when, through which association. No values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from uuid import UUID

import asyncpg

Action = Literal["read", "change", "erase", "export", "remove"]
Resource = Literal["conditions", "availability", "health_notes", "mentor_application", "membership", "roles", "all"]


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor_id: UUID
    subject_id: UUID
    association_id: UUID | None
    action: Action
    resource: str


async def record(
    conn: asyncpg.Connection,
    *,
    actor_id: UUID,
    subject_id: UUID,
    action: Action,
    resource: Resource,
    association_id: UUID | None = None,
    reason: str | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (actor_id, subject_id, association_id, action, resource, reason)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        actor_id,
        subject_id,
        association_id,
        action,
        resource,
        reason,
    )


async def trail_for_association(
    conn: asyncpg.Connection, association_id: UUID, *, before_id: int | None, limit: int
) -> list[AuditRecord]:
    """Access through this association, and the members' own access to their data; newest first."""
    rows = await conn.fetch(
        "SELECT id, at, actor_id, subject_id, association_id, action, resource FROM audit_log a"
        " WHERE (a.association_id = $1 OR (a.association_id IS NULL AND a.subject_id IN"
        "   (SELECT member_id FROM memberships WHERE association_id = $1)))"
        " AND ($2::bigint IS NULL OR a.id < $2) ORDER BY a.id DESC LIMIT $3",
        association_id,
        before_id,
        limit,
    )
    return [AuditRecord(**dict(row)) for row in rows]
