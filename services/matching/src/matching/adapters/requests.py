"""SQL for mentees' requests: at most one live (open or proposed) per mentee and association."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from matching.domain.model import AgeBand, Preferences


def preferences_json(preferences: Preferences) -> dict[str, Any]:
    band = preferences.age_band
    return {
        "gender": preferences.gender,
        "age_band": None if band is None else {"youngest": band.youngest, "oldest": band.oldest},
        "modality": preferences.modality,
        "caregiver_for_caregiver": preferences.caregiver_for_caregiver,
    }


def preferences_from_json(stored: dict[str, Any]) -> Preferences:
    band = stored.get("age_band")
    return Preferences(
        gender=stored.get("gender"),
        age_band=None if band is None else AgeBand(band["youngest"], band["oldest"]),
        modality=stored.get("modality"),
        caregiver_for_caregiver=stored.get("caregiver_for_caregiver", True),
    )


async def insert_open(
    conn: asyncpg.Connection, request_id: UUID, mentee_id: UUID, association_id: UUID, preferences: Preferences
) -> bool:
    """Open a request unless the mentee already has a live one in this association; True when inserted."""
    inserted: UUID | None = await conn.fetchval(
        "INSERT INTO requests (request_id, mentee_id, association_id, preferences, status)"
        " VALUES ($1, $2, $3, $4, 'open')"
        " ON CONFLICT (mentee_id, association_id) WHERE status IN ('open', 'proposed') DO NOTHING"
        " RETURNING request_id",
        request_id,
        mentee_id,
        association_id,
        preferences_json(preferences),
    )
    return inserted is not None


async def live_request(conn: asyncpg.Connection, mentee_id: UUID, association_id: UUID) -> UUID | None:
    request_id: UUID | None = await conn.fetchval(
        "SELECT request_id FROM requests WHERE mentee_id = $1 AND association_id = $2"
        " AND status IN ('open', 'proposed')",
        mentee_id,
        association_id,
    )
    return request_id


async def mark_proposed(conn: asyncpg.Connection, request_id: UUID, now: datetime) -> bool:
    """open → proposed (and forget the unmatched reason); False when the request is no longer open."""
    status: str = await conn.execute(
        "UPDATE requests SET status = 'proposed', unmatched_reason = NULL, estimated_wait_days = NULL,"
        " updated_at = $2 WHERE request_id = $1 AND status = 'open'",
        request_id,
        now,
    )
    return status == "UPDATE 1"


async def reopen(conn: asyncpg.Connection, request_id: UUID) -> None:
    """proposed → open, after its proposal was declined, withdrawn or expired."""
    await conn.execute(
        "UPDATE requests SET status = 'open', updated_at = now() WHERE request_id = $1 AND status = 'proposed'",
        request_id,
    )


async def cancel(conn: asyncpg.Connection, request_id: UUID, reason: str) -> bool:
    status: str = await conn.execute(
        "UPDATE requests SET status = 'cancelled', closed_reason = $2, updated_at = now()"
        " WHERE request_id = $1 AND status IN ('open', 'proposed')",
        request_id,
        reason,
    )
    return status == "UPDATE 1"


async def live_requests_of(conn: asyncpg.Connection, mentee_id: UUID, association_id: UUID | None) -> list[UUID]:
    """The mentee's live requests, in one association or in all."""
    rows = await conn.fetch(
        "SELECT request_id FROM requests WHERE mentee_id = $1 AND ($2::uuid IS NULL OR association_id = $2)"
        " AND status IN ('open', 'proposed') ORDER BY created_at FOR UPDATE",
        mentee_id,
        association_id,
    )
    return [row["request_id"] for row in rows]


async def record_unmatched(
    conn: asyncpg.Connection, request_id: UUID, reason: str, estimated_wait_days: int | None, *, previous: str | None
) -> bool:
    """Store why an open request has no proposal, if it is still open with the `previous` reason the caller
    read (compare and set); True when stored."""
    status: str = await conn.execute(
        "UPDATE requests SET unmatched_reason = $2, estimated_wait_days = $3"
        " WHERE request_id = $1 AND status = 'open' AND unmatched_reason IS NOT DISTINCT FROM $4",
        request_id,
        reason,
        estimated_wait_days,
        previous,
    )
    return status == "UPDATE 1"


async def median_days_to_proposal(
    conn: asyncpg.Connection, association_ids: Sequence[UUID], now: datetime, days: int = 90
) -> dict[UUID, int]:
    """Per association, the median days from a request to its first proposal, over requests first proposed
    in the last `days` (rounded up); associations without such history are absent."""
    rows = await conn.fetch(
        "SELECT r.association_id,"
        " ceil(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.first_at - r.created_at)) / 86400)"
        " AS days"
        " FROM requests r JOIN (SELECT request_id, min(created_at) AS first_at FROM proposals GROUP BY request_id) f"
        " USING (request_id)"
        " WHERE r.association_id = ANY($1::uuid[]) AND f.first_at >= $2::timestamptz - make_interval(days => $3)"
        " GROUP BY r.association_id",
        list(association_ids),
        now,
        days,
    )
    return {row["association_id"]: int(row["days"]) for row in rows}


async def delete_of_mentee(conn: asyncpg.Connection, mentee_id: UUID) -> None:
    await conn.execute("DELETE FROM requests WHERE mentee_id = $1", mentee_id)
