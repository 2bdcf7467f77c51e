"""Use case: keep matching's list of upcoming events in step with events (`events.conference.v1`), for the
suggestions a request no mentor can take yet carries. Events for no condition in particular are not kept."""

from __future__ import annotations

import asyncpg

from matching.adapters import upcoming_events
from shared.contracts.envelope import MessageData
from shared.contracts.events import ConferenceCancelled, ConferencePublished, ConferenceRescheduled


async def apply_conference_message(conn: asyncpg.Connection, data: MessageData) -> None:
    match data:
        case ConferencePublished() if data.conditions:
            hosts = [data.association_id, *data.co_hosts]
            await upcoming_events.upsert(
                conn,
                data.conference_id,
                hosts,
                data.kind,
                data.title,
                data.starts_at,
                list(data.conditions),
                open_until=data.open_until,
            )
        case ConferenceRescheduled():
            await upcoming_events.move(conn, data.conference_id, data.starts_at, open_until=data.open_until)
        case ConferenceCancelled():
            await upcoming_events.delete(conn, data.conference_id)
