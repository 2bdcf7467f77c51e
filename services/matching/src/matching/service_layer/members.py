"""Use case: keep matching's view of people and mentors in step with membership, and the workflow with it.

Each message is applied once, in the transaction that records it in the inbox (`apply_once`). What each
one does:

- joined: the person's snapshot, the membership (roles, federation flag); with `wants_mentor`, a request
  is opened (`request.created`) unless one is live already;
- left: the membership becomes inactive; in that association the person's waiting proposals are
  withdrawn, their active mentorships end ("left") and their requests are cancelled;
- erased: the person's waiting proposals are withdrawn and active mentorships end ("erased"), with the
  usual messages to the other side; then every row about them goes: the read model (person, memberships,
  mentor rows) and the workflow rows they are part of on either side (requests, proposals, mentorships,
  feedback, excluded pairs). Their ids are pseudonymous, but erasure means forgetting who was matched
  with whom; statistics simply lose those rows. The other side's requests reopen and are matched again;
- profile, conditions, availability: the person's row (the matcher re-solves on its own);
- consent: withdrawing `peer_matching` or `health_data` withdraws the person's waiting proposals and
  ends their active mentorships ("consent withdrawn"); their requests stay open but are not matched
  (reason `no_consent`) until consent is given again. Withdrawing `federation_matching` does the same
  for pairs across associations only;
- mentor approved, paused, resumed, capacity changed: the mentor row. A capacity below the current load
  takes nothing away: no new proposal until the load drains below it.

The person's row is always changed first: it is the row the matcher locks before proposing, so a
proposal being written and a withdrawal serialise.
"""

from __future__ import annotations

import asyncpg

from matching.adapters import people, proposals, requests
from matching.adapters.proposals import Scope
from matching.domain.eligibility import MATCHING_CONSENTS
from matching.domain.model import Preferences
from matching.service_layer.requests import open_request
from matching.service_layer.withdrawals import undo_all
from shared.contracts.envelope import MessageData
from shared.contracts.membership import (
    AvailabilityChanged,
    ConditionsChanged,
    ConsentChanged,
    MemberErased,
    MemberJoined,
    MemberLeft,
    MentorApproved,
    MentorCapacityChanged,
    MentorPaused,
    MentorResumed,
    ProfileUpdated,
    RolesChanged,
)


async def apply_member_message(conn: asyncpg.Connection, data: MessageData) -> None:
    """Apply one message of `membership.member.v1`; types matching does not need are ignored."""
    match data:
        case MemberJoined():
            await joined(conn, data)
        case MemberLeft():
            await left(conn, data)
        case MemberErased():
            await erased(conn, data)
        case RolesChanged():
            await people.set_roles(conn, data.member_id, data.association_id, data.roles)
        case ProfileUpdated():
            await people.update_profile(
                conn,
                data.member_id,
                languages=data.languages,
                time_zone=data.time_zone,
                is_caregiver=data.is_caregiver,
                birth_year=data.birth_year,
                gender=data.gender,
            )
        case ConditionsChanged():
            await people.update_conditions(
                conn, data.member_id, people.conditions_json(data.conditions, data.diagnosed_in)
            )
        case AvailabilityChanged():
            await people.update_availability(conn, data.member_id, data.time_zone, data.availability)
        case ConsentChanged():
            await consent_changed(conn, data)
        case MentorApproved():
            await people.upsert_mentor(conn, data)
        case MentorPaused() | MentorResumed():
            await people.set_paused(conn, data.member_id, data.association_id, isinstance(data, MentorPaused))
        case MentorCapacityChanged():
            await people.set_capacity(conn, data.member_id, data.association_id, data.capacity)


async def joined(conn: asyncpg.Connection, data: MemberJoined) -> None:
    await people.upsert_person(conn, data)
    await people.upsert_membership(conn, data)
    if data.wants_mentor:
        await open_request(conn, data.member_id, data.association_id, Preferences())


async def left(conn: asyncpg.Connection, data: MemberLeft) -> None:
    await people.deactivate_membership(conn, data.member_id, data.association_id)
    await undo_all(conn, Scope(data.member_id, data.association_id), "left")
    for request_id in await requests.live_requests_of(conn, data.member_id, data.association_id):
        await requests.cancel(conn, request_id, "left")  # its proposal, if any, was withdrawn just above


async def erased(conn: asyncpg.Connection, data: MemberErased) -> None:
    """Everything about the person, in every association (the first of their `member.erased` does it all)."""
    if not await people.lock_person(conn, data.member_id):
        return
    await undo_all(conn, Scope(data.member_id), "erased")
    await proposals.delete_workflow_of(conn, data.member_id)
    await requests.delete_of_mentee(conn, data.member_id)
    await people.delete_person(conn, data.member_id)


async def consent_changed(conn: asyncpg.Connection, data: ConsentChanged) -> None:
    known = await people.set_consent(conn, data.member_id, data.kind, data.granted)
    if not known or data.granted:
        return
    if data.kind in MATCHING_CONSENTS:
        await undo_all(conn, Scope(data.member_id), "consent withdrawn")
    elif data.kind == "federation_matching":
        await undo_all(conn, Scope(data.member_id, cross_association_only=True), "consent withdrawn")
