"""SQL that loads what the matcher solves over, as domain objects: open requests, mentors, excluded pairs
(each association's score weights are in `adapters.weights`).

A person whose stored data the domain refuses (an unknown time zone, say) is left out with a warning
rather than stopping matching for everyone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from matching.adapters.requests import preferences_from_json
from matching.domain.availability import WeeklyAvailability
from matching.domain.eligibility import FEDERATION_CONSENT, MATCHING_CONSENTS, Party
from matching.domain.model import Condition, Mentor, Request
from shared.contracts.membership import AvailabilityWindow

log = logging.getLogger(__name__)

# Whether the person gave every consent matching needs (the set is the query's parameter $1).
_CONSENTED = "p.consents @> $1::text[]"
_PERSON = "p.languages, p.time_zone, p.is_caregiver, p.birth_year, p.gender, p.availability, p.consents"


@dataclass(frozen=True)
class OpenRequest:
    """An open request as the domain sees it, whether its mentee may be matched now, and the unmatched reason
    (with its estimated wait) last recorded for it."""

    request: Request
    consented: bool
    unmatched_reason: str | None
    estimated_wait_days: int | None


async def open_requests(conn: asyncpg.Connection) -> list[OpenRequest]:
    """Every open request of an active member, oldest first."""
    rows = await conn.fetch(
        f"SELECT r.request_id, r.mentee_id, r.association_id, r.preferences, r.created_at, r.unmatched_reason,"
        " r.estimated_wait_days,"
        f" {_PERSON}, p.conditions, {_CONSENTED} AS consented, m.federation_matching_allowed"
        " FROM requests r JOIN people p ON p.member_id = r.mentee_id"
        " JOIN member_associations m ON m.member_id = r.mentee_id AND m.association_id = r.association_id"
        " WHERE r.status = 'open' AND m.active ORDER BY r.created_at, r.request_id",
        sorted(MATCHING_CONSENTS),
    )
    found = []
    for row in rows:
        try:
            request = _request(row)
        except (ValueError, KeyError) as error:
            log.warning(
                "request left out of matching", extra={"request_id": str(row["request_id"]), "error": repr(error)}
            )
            continue
        found.append(OpenRequest(request, row["consented"], row["unmatched_reason"], row["estimated_wait_days"]))
    return found


def _request(row: asyncpg.Record) -> Request:
    return Request(
        request_id=row["request_id"],
        member_id=row["mentee_id"],
        association_id=row["association_id"],
        languages=frozenset(row["languages"]),
        conditions=_conditions(row["conditions"]),
        availability=_availability(row),
        is_caregiver=row["is_caregiver"],
        birth_year=row["birth_year"],
        gender=row["gender"],
        federation_consent=FEDERATION_CONSENT in row["consents"],
        association_allows_federation=row["federation_matching_allowed"],
        created_at=row["created_at"],
        preferences=preferences_from_json(row["preferences"]),
    )


async def mentors(conn: asyncpg.Connection) -> list[Mentor]:
    """Every approved mentor who may be matched: an active member with the mentor role who gave both
    consents. Paused and full mentors are included: they explain why a request waits."""
    rows = await conn.fetch(
        f"SELECT t.member_id, t.association_id, t.conditions AS mentored, t.diagnosed_in, t.capacity, t.modalities,"
        f" t.paused, t.load, {_PERSON}, p.conditions, m.federation_matching_allowed"
        " FROM mentors t JOIN people p ON p.member_id = t.member_id"
        " JOIN member_associations m ON m.member_id = t.member_id AND m.association_id = t.association_id"
        f" WHERE m.active AND 'mentor' = ANY(m.roles) AND {_CONSENTED} ORDER BY t.member_id, t.association_id",
        sorted(MATCHING_CONSENTS),
    )
    found = []
    for row in rows:
        try:
            found.append(_mentor(row))
        except (ValueError, KeyError) as error:
            log.warning("mentor left out of matching", extra={"member_id": str(row["member_id"]), "error": repr(error)})
    return found


def _mentor(row: asyncpg.Record) -> Mentor:
    years = {**row["conditions"], **row["diagnosed_in"]}  # the years given at approval win
    return Mentor(
        member_id=row["member_id"],
        association_id=row["association_id"],
        languages=frozenset(row["languages"]),
        conditions=_conditions({code: years.get(code) for code in row["mentored"]}),
        availability=_availability(row),
        is_caregiver=row["is_caregiver"],
        birth_year=row["birth_year"],
        gender=row["gender"],
        modalities=frozenset(row["modalities"]),
        capacity=row["capacity"],
        active_load=row["load"],
        paused=row["paused"],
        approved=True,
        federation_consent=FEDERATION_CONSENT in row["consents"],
        association_allows_federation=row["federation_matching_allowed"],
    )


def _conditions(stored: dict[str, int | None]) -> tuple[Condition, ...]:
    return tuple(Condition(code, year) for code, year in sorted(stored.items()))


def _availability(row: asyncpg.Record) -> WeeklyAvailability:
    windows = tuple(AvailabilityWindow.model_validate(w) for w in row["availability"])
    return WeeklyAvailability(row["time_zone"], windows)


async def excluded_pairs(conn: asyncpg.Connection) -> set[tuple[UUID, UUID]]:
    """(mentee, mentor) pairs not to propose, for the mentees who have an open request: those declined,
    expired or blocked, and those already together (a proposal waiting or a mentorship, elsewhere)."""
    rows = await conn.fetch(
        "WITH waiting AS (SELECT DISTINCT mentee_id FROM requests WHERE status = 'open')"
        " SELECT mentee_id, mentor_id FROM excluded_pairs JOIN waiting USING (mentee_id)"
        " UNION SELECT mentee_id, mentor_id FROM proposals JOIN waiting USING (mentee_id) WHERE status = 'proposed'"
        " UNION SELECT mentee_id, mentor_id FROM mentorships JOIN waiting USING (mentee_id) WHERE status = 'active'"
    )
    return {(row["mentee_id"], row["mentor_id"]) for row in rows}


async def lock_parties(
    conn: asyncpg.Connection, mentee: tuple[UUID, UUID], mentor: tuple[UUID, UUID]
) -> dict[UUID, Party]:
    """Both people (member id, association id) as they are now, their rows share-locked for the
    transaction, so a concurrent consent withdrawal or departure waits for the proposal (and then
    withdraws it) or the proposal sees it."""
    rows = await conn.fetch(
        "SELECT p.member_id, m.association_id, p.consents, m.federation_matching_allowed, m.active, m.roles"
        " FROM people p JOIN member_associations m ON m.member_id = p.member_id"
        " WHERE (p.member_id, m.association_id) IN (($1, $2), ($3, $4)) ORDER BY p.member_id FOR SHARE",
        *mentee,
        *mentor,
    )
    return {
        row["member_id"]: Party(
            row["member_id"],
            row["association_id"],
            frozenset(row["consents"]),
            row["federation_matching_allowed"],
            row["active"],
            frozenset(row["roles"]),
        )
        for row in rows
    }
