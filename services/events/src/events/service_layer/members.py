"""Use cases: keep events' view of members in step with membership (`membership.member.v1`), and with the
quiet hours people set in notifications (`notifications.preference.v1`)."""

from __future__ import annotations

import asyncpg

from events.adapters import calendar_feeds, members, questions
from events.service_layer import registrations
from shared.contracts.envelope import MessageData
from shared.contracts.membership import (
    ConditionsChanged,
    ConsentChanged,
    MemberErased,
    MemberJoined,
    MemberLeft,
    ProfileUpdated,
    RolesChanged,
)
from shared.contracts.notifications import QuietHoursChanged
from shared.dependencies import utc_now


async def apply_preference_message(conn: asyncpg.Connection, data: MessageData) -> None:
    """A person's quiet hours: an offered place is never due inside them."""
    if isinstance(data, QuietHoursChanged):
        await members.set_quiet_hours(conn, data.member_id, data.starts_at, data.ends_at)


async def apply_member_message(conn: asyncpg.Connection, data: MessageData) -> None:
    """Apply one member fact; types events does not need are ignored."""
    match data:
        case MemberJoined():
            consented = "health_data" in data.consents
            await members.upsert_person(
                conn, data.member_id, list(data.conditions), health_data=consented, time_zone=data.time_zone
            )
            await members.upsert_membership(conn, data.member_id, data.association_id, list(data.roles), active=True)
        case ProfileUpdated():
            await members.set_time_zone(conn, data.member_id, data.time_zone)
        case MemberLeft():
            await members.deactivate_membership(conn, data.member_id, data.association_id)
        case RolesChanged():
            await members.set_roles(conn, data.member_id, data.association_id, list(data.roles))
        case ConditionsChanged():
            await members.set_conditions(conn, data.member_id, list(data.conditions))
        case ConsentChanged(kind="health_data"):
            await members.set_health_data_consent(conn, data.member_id, data.granted)
        case MemberErased():
            await members.delete_person(conn, data.member_id)
            await registrations.forget_member(conn, data.member_id, utc_now())
            await questions.forget_member(conn, data.member_id)
            await calendar_feeds.delete(conn, data.member_id)
