"""SQL for registrations: people's places and their line. A person's position is counted from `line`
(registration order) among those still waiting, so it moves up by itself as others leave."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg

from events.domain.places import LIVE, Registration, Status, Waiting

# The statuses that hold a place, an offer or a position, as SQL (from the domain's one definition).
LIVE_SQL = "(" + ", ".join(f"'{status}'" for status in sorted(LIVE)) + ")"

COLUMNS = (
    "r.registration_id, r.conference_id, r.member_id, r.association_id, r.status, r.places, r.needs,"
    " r.offer_expires_at, r.created_at,"
    " CASE WHEN r.status = 'waitlisted' THEN (SELECT count(*) FROM registrations w WHERE w.conference_id ="
    " r.conference_id AND w.status = 'waitlisted' AND w.line <= r.line) END AS position,"
    " coalesce((SELECT array_agg(s.number ORDER BY s.number) FROM skipped_meetings s"
    " WHERE s.registration_id = r.registration_id), '{}') AS skipped"
)


REGISTRATION_FIELDS = (
    "registration_id",
    "conference_id",
    "member_id",
    "association_id",
    "status",
    "places",
    "needs",
    "offer_expires_at",
    "created_at",
    "position",
    "skipped",
)


def _registration(row: Mapping[str, Any]) -> Registration:
    return Registration(**{**row, "needs": list(row["needs"]), "skipped": list(row["skipped"])})


async def insert(conn: asyncpg.Connection, registration: Registration) -> None:
    await conn.execute(
        "INSERT INTO registrations (registration_id, conference_id, member_id, association_id, status, places,"
        " needs, offer_expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        registration.registration_id,
        registration.conference_id,
        registration.member_id,
        registration.association_id,
        registration.status,
        registration.places,
        registration.needs,
        registration.offer_expires_at,
    )


async def get(conn: asyncpg.Connection, registration_id: UUID) -> Registration | None:
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM registrations r WHERE r.registration_id = $1", registration_id)
    return None if row is None else _registration(row)


async def live_of(conn: asyncpg.Connection, conference_id: UUID, member_id: UUID) -> Registration | None:
    """The person's registration at the event that is not over (at most one)."""
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM registrations r WHERE r.conference_id = $1 AND r.member_id = $2"
        f" AND r.status IN {LIVE_SQL}",
        conference_id,
        member_id,
    )
    return None if row is None else _registration(row)


async def of_member(conn: asyncpg.Connection, member_id: UUID) -> list[Registration]:
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM registrations r WHERE r.member_id = $1 ORDER BY r.created_at DESC", member_id
    )
    return [_registration(row) for row in rows]


async def waiting_count(conn: asyncpg.Connection, conference_id: UUID) -> int:
    count: int = await conn.fetchval(
        "SELECT count(*) FROM registrations WHERE conference_id = $1 AND status = 'waitlisted'", conference_id
    )
    return count


async def line(conn: asyncpg.Connection, conference_id: UUID) -> list[Waiting]:
    """Everyone waiting, first in line first."""
    rows = await conn.fetch(
        "SELECT registration_id, places FROM registrations WHERE conference_id = $1 AND status = 'waitlisted'"
        " ORDER BY line",
        conference_id,
    )
    return [Waiting(row["registration_id"], row["places"]) for row in rows]


async def set_status(
    conn: asyncpg.Connection, registration_id: UUID, status: Status, offer_expires_at: datetime | None = None
) -> None:
    await conn.execute(
        "UPDATE registrations SET status = $2, offer_expires_at = $3, updated_at = now() WHERE registration_id = $1",
        registration_id,
        status,
        offer_expires_at,
    )


async def offers_due(conn: asyncpg.Connection, now: datetime, limit: int = 100) -> list[tuple[UUID, UUID]]:
    """(conference_id, registration_id) of offers past their deadline, oldest deadline first."""
    rows = await conn.fetch(
        "SELECT conference_id, registration_id FROM registrations WHERE status = 'offered'"
        " AND offer_expires_at <= $1 ORDER BY offer_expires_at LIMIT $2",
        now,
        limit,
    )
    return [(row["conference_id"], row["registration_id"]) for row in rows]


async def next_offer_deadline(conn: asyncpg.Connection) -> datetime | None:
    deadline: datetime | None = await conn.fetchval(
        "SELECT min(offer_expires_at) FROM registrations WHERE status = 'offered'"
    )
    return deadline


async def delete_of_member(conn: asyncpg.Connection, member_id: UUID) -> int:
    status: str = await conn.execute("DELETE FROM registrations WHERE member_id = $1", member_id)
    return int(status.split()[-1])


async def live_at(conn: asyncpg.Connection, conference_id: UUID) -> list[Registration]:
    """Everyone holding a place, an offer or a position at the event, in line order."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM registrations r WHERE r.conference_id = $1 AND r.status IN {LIVE_SQL} ORDER BY r.line",
        conference_id,
    )
    return [_registration(row) for row in rows]


async def end_all(conn: asyncpg.Connection, conference_id: UUID) -> None:
    """The event is cancelled: every live registration ends with it."""
    await conn.execute(
        "UPDATE registrations SET status = 'cancelled', offer_expires_at = NULL, updated_at = now()"
        f" WHERE conference_id = $1 AND status IN {LIVE_SQL}",
        conference_id,
    )


async def shorten_offers(conn: asyncpg.Connection, conference_id: UUID, latest: datetime) -> None:
    """Offers may not outlast `latest` (the event moved earlier)."""
    await conn.execute(
        "UPDATE registrations SET offer_expires_at = $2, updated_at = now()"
        " WHERE conference_id = $1 AND status = 'offered' AND offer_expires_at > $2",
        conference_id,
        latest,
    )


async def to_remind(
    conn: asyncpg.Connection, now: datetime, horizon: timedelta, limit: int = 500
) -> list[asyncpg.Record]:
    """Places at published events with a meeting starting within `horizon` that the person has not said they
    will skip, locked for this transaction (another sweeper skips them): the registration's columns, the
    meeting (`number`, `meeting_starts_at`, `meeting_ends_at`) and the reminders already staged for the meeting
    `reminded_meeting`. Meetings are a week apart, so a place has one meeting within a day's horizon."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"SELECT {COLUMNS}, r.reminded, r.reminded_meeting, m.number, m.starts_at AS meeting_starts_at,"
        " m.ends_at AS meeting_ends_at FROM registrations r JOIN conferences c USING (conference_id)"
        " JOIN meetings m USING (conference_id)"
        " WHERE r.status = 'registered' AND c.status = 'published' AND m.starts_at > $1 AND m.starts_at <= $2"
        " AND NOT EXISTS (SELECT 1 FROM skipped_meetings s WHERE s.registration_id = r.registration_id"
        " AND s.number = m.number)"
        " ORDER BY m.starts_at LIMIT $3 FOR UPDATE OF r SKIP LOCKED",
        now,
        now + horizon,
        limit,
    )
    return rows


async def keep_reminded(conn: asyncpg.Connection, conference_id: UUID, kept: Collection[str]) -> None:
    """Every registration at the event forgets the reminders staged for it but those in `kept`."""
    await conn.execute(
        "UPDATE registrations SET reminded = ARRAY(SELECT which FROM unnest(reminded) AS which"
        " WHERE which = ANY($2::text[])) WHERE conference_id = $1 AND reminded <> '{}'",
        conference_id,
        sorted(kept),
    )


async def mark_reminded(conn: asyncpg.Connection, registration_id: UUID, meeting: int, reminded: set[str]) -> None:
    """The reminders staged for the registration's `meeting` are `reminded`."""
    await conn.execute(
        "UPDATE registrations SET reminded = $2, reminded_meeting = $3 WHERE registration_id = $1",
        registration_id,
        sorted(reminded),
        meeting,
    )


async def skip(conn: asyncpg.Connection, registration_id: UUID, number: int) -> None:
    await conn.execute(
        "INSERT INTO skipped_meetings (registration_id, number) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        registration_id,
        number,
    )


async def unskip(conn: asyncpg.Connection, registration_id: UUID, number: int) -> None:
    await conn.execute(
        "DELETE FROM skipped_meetings WHERE registration_id = $1 AND number = $2", registration_id, number
    )


def registration_of(row: asyncpg.Record) -> Registration:
    """A registration from a row that also has other columns."""
    return _registration({name: row[name] for name in REGISTRATION_FIELDS})


async def of_hosts(conn: asyncpg.Connection, conference_id: UUID, associations: list[UUID]) -> list[Registration]:
    """The event's registrations made through `associations` (each host sees its own registrants), live first,
    in line order."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM registrations r WHERE r.conference_id = $1 AND r.association_id = ANY($2::uuid[])"
        f" ORDER BY r.status NOT IN {LIVE_SQL}, r.line",
        conference_id,
        associations,
    )
    return [_registration(row) for row in rows]


async def figures(conn: asyncpg.Connection, conference_id: UUID) -> list[asyncpg.Record]:
    """Per registrant association: registered, waitlisted, offered, cancelled, promoted and attended people."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT association_id, count(*) FILTER (WHERE status = 'registered') AS registered,"
        " count(*) FILTER (WHERE status = 'waitlisted') AS waitlisted,"
        " count(*) FILTER (WHERE status = 'offered') AS offered,"
        " count(*) FILTER (WHERE status IN ('cancelled', 'expired')) AS gave_up,"
        " count(*) FILTER (WHERE promoted) AS promoted, count(*) FILTER (WHERE attended_at IS NOT NULL) AS attended"
        " FROM registrations WHERE conference_id = $1 GROUP BY association_id",
        conference_id,
    )
    return rows


async def mark_promoted(conn: asyncpg.Connection, registration_id: UUID) -> None:
    await conn.execute("UPDATE registrations SET promoted = true WHERE registration_id = $1", registration_id)


async def mark_attended(conn: asyncpg.Connection, registration_id: UUID, now: datetime) -> None:
    """The first use of the join link is the attendance."""
    await conn.execute(
        "UPDATE registrations SET attended_at = coalesce(attended_at, $2) WHERE registration_id = $1",
        registration_id,
        now,
    )


async def holders(conn: asyncpg.Connection, conference_id: UUID) -> list[tuple[Registration, bool]]:
    """Everyone who had a place at the event, with whether they used the link to join."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS}, r.attended_at IS NOT NULL AS attended FROM registrations r"
        " WHERE r.conference_id = $1 AND r.status = 'registered' ORDER BY r.line",
        conference_id,
    )
    return [(_registration({name: row[name] for name in REGISTRATION_FIELDS}), row["attended"]) for row in rows]


async def give_feedback(conn: asyncpg.Connection, registration: Registration, rating: int, comment: str) -> bool:
    """One feedback per place: False when it was given already."""
    added = await conn.fetchval(
        "INSERT INTO feedback (registration_id, conference_id, association_id, rating, comment)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1",
        registration.registration_id,
        registration.conference_id,
        registration.association_id,
        rating,
        comment,
    )
    return bool(added)


async def feedback_given(conn: asyncpg.Connection, registration_id: UUID) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM feedback WHERE registration_id = $1)", registration_id
    )
    return found


async def feedback_figures(conn: asyncpg.Connection, conference_id: UUID) -> list[asyncpg.Record]:
    """Per registrant association: how many gave feedback, and their ratings summed."""
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT association_id, count(*) AS answers, coalesce(sum(rating), 0) AS ratings FROM feedback"
        " WHERE conference_id = $1 GROUP BY association_id",
        conference_id,
    )
    return rows


async def feedback_comments(conn: asyncpg.Connection, conference_id: UUID, associations: list[UUID]) -> list[str]:
    rows = await conn.fetch(
        "SELECT comment FROM feedback WHERE conference_id = $1 AND association_id = ANY($2::uuid[]) AND comment <> ''"
        " ORDER BY created_at",
        conference_id,
        associations,
    )
    return [row["comment"] for row in rows]
