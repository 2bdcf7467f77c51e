"""Use cases of a member's notification preferences: which categories reach them on which channel, quiet
hours for e-mail, and the one-click unsubscribe link at the foot of every e-mail.

A category × channel the member never chose is on. Quiet hours are local times in the member's time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Any
from uuid import UUID

import asyncpg

from notifications.adapters import preferences
from notifications.domain import unsubscribe as tokens
from notifications.domain.categories import CATEGORIES, CHANNELS, Category, Channel, is_category
from notifications.domain.quiet_hours import QuietHours, zone
from shared.contracts.notifications import QuietHoursChanged
from shared.db.outbox import enqueue
from shared.errors import DomainError, InvalidInput

CHOICES_EXAMPLE = '{"matching": {"email": false}, "conferences": {"inbox": true}}'
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


class InvalidUnsubscribeLink(DomainError):
    status_code = 400


@dataclass(frozen=True, slots=True)
class PreferencesView:
    enabled: dict[Category, dict[Channel, bool]]  # every category × channel, defaults filled in
    quiet_hours: QuietHours | None
    time_zone: str  # the zone quiet hours are read in: the member's, or UTC while it is unknown


async def current(pool: asyncpg.Pool, member_id: UUID) -> PreferencesView:
    async with pool.acquire() as conn:
        chosen = await preferences.stored_choices(conn, member_id)
        quiet = await preferences.quiet_hours(conn, member_id)
        time_zone = await preferences.time_zone(conn, member_id)
    enabled = {
        category: {channel: chosen.get((category, channel), True) for channel in CHANNELS} for category in CATEGORIES
    }
    return PreferencesView(enabled, quiet, zone(time_zone).key)


async def change(pool: asyncpg.Pool, member_id: UUID, body: Any) -> PreferencesView:
    """Turn any categories × channels on or off; the others keep their value."""
    choices = parse_choices(body)
    async with pool.acquire() as conn:
        await preferences.store_choices(conn, member_id, choices)
    return await current(pool, member_id)


async def set_quiet_hours(pool: asyncpg.Pool, member_id: UUID, body: Any) -> PreferencesView:
    """Quiet hours for e-mail; events is told too, so that a place it offers is never due inside them."""
    quiet = parse_quiet_hours(body)
    async with pool.acquire() as conn, conn.transaction():
        await preferences.store_quiet_hours(conn, member_id, quiet)
        await enqueue(conn, QuietHoursChanged(member_id=member_id, starts_at=quiet.starts_at, ends_at=quiet.ends_at))
    return await current(pool, member_id)


async def clear_quiet_hours(pool: asyncpg.Pool, member_id: UUID) -> None:
    async with pool.acquire() as conn, conn.transaction():
        if await preferences.clear_quiet_hours(conn, member_id):
            await enqueue(conn, QuietHoursChanged(member_id=member_id))


def unsubscribe_link(token: str, secret: tokens.Secret) -> tuple[UUID, Category]:
    """The member and category of an unsubscribe link's token; InvalidUnsubscribeLink (400) when it is not ours."""
    try:
        return tokens.verify(token, secret)
    except tokens.InvalidUnsubscribeToken as error:
        raise InvalidUnsubscribeLink(
            "This unsubscribe link is not valid: it may have been cut short or changed. Open the link from the"
            " e-mail again, or change your notification settings after logging in."
        ) from error


async def unsubscribe(pool: asyncpg.Pool, token: str, secret: tokens.Secret) -> Category:
    """Turn e-mail of the token's category off for the token's member (no login: the signed token is the proof)."""
    member_id, category = unsubscribe_link(token, secret)
    async with pool.acquire() as conn:
        await preferences.store_choices(conn, member_id, {(category, "email"): False})
    return category


# -- reading bodies ----------------------------------------------------------------------------------
def parse_choices(body: Any) -> dict[tuple[Category, Channel], bool]:
    """`{category: {channel: true|false}}` for any subset; every problem is named in the 422's `extra`."""
    if not isinstance(body, dict) or not body:
        raise InvalidInput(
            f"send the choices to change as {{category: {{channel: true or false}}}}, e.g. {CHOICES_EXAMPLE}"
        )
    choices: dict[tuple[Category, Channel], bool] = {}
    problems: list[dict[str, str]] = []
    for category, channels in body.items():
        if not is_category(category):
            problems.append(_problem(category, f"unknown category; choose from {', '.join(CATEGORIES)}"))
        elif not isinstance(channels, dict) or not channels:
            problems.append(_problem(category, f"give channels ({', '.join(CHANNELS)}) set to true or false"))
        else:
            problems += _read_channels(category, channels, choices)
    if problems:
        raise InvalidInput(_summary(problems), extra=problems)
    return choices


def _read_channels(
    category: Category, channels: dict[str, Any], choices: dict[tuple[Category, Channel], bool]
) -> list[dict[str, str]]:
    problems = []
    for channel, enabled in channels.items():
        field = f"{category}.{channel}"
        if channel not in CHANNELS:
            problems.append(_problem(field, f"unknown channel; choose from {', '.join(CHANNELS)}"))
        elif not isinstance(enabled, bool):
            problems.append(_problem(field, "must be true or false"))
        else:
            choices[(category, channel)] = enabled
    return problems


def parse_quiet_hours(body: Any) -> QuietHours:
    """`{"start": "HH:MM", "end": "HH:MM"}`, local 24-hour times that differ (start after end spans midnight)."""
    if not isinstance(body, dict):
        raise InvalidInput(
            'send quiet hours as {"start": "HH:MM", "end": "HH:MM"}, e.g. {"start": "22:00", "end": "07:00"}'
        )
    problems = [
        _problem(str(key), "unknown field; give only start and end") for key in body if key not in {"start", "end"}
    ]
    times: dict[str, time] = {}
    for key in ("start", "end"):
        value = body.get(key)
        match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            problems.append(_problem(key, "must be a local time as HH:MM on a 24-hour clock, e.g. 22:00"))
        else:
            times[key] = time(int(match[1]), int(match[2]))
    if not problems and times["start"] == times["end"]:
        problems.append(_problem("end", "must differ from start; to turn quiet hours off, DELETE /me/quiet-hours"))
    if problems:
        raise InvalidInput(_summary(problems), extra=problems)
    return QuietHours(times["start"], times["end"])


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _summary(problems: list[dict[str, str]]) -> str:
    return "; ".join(f"{problem['field']}: {problem['message']}" for problem in problems)
