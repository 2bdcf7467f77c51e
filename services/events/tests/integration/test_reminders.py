"""Reminders on a real PostgreSQL with the time injected: a day and an hour before, once each, only to people
holding a place, none after a cancellation."""

from __future__ import annotations

from datetime import datetime, timedelta

from events.service_layer.registrations import send_due_reminders

from .conftest import Api


async def test_each_place_is_reminded_a_day_and_an_hour_before_once_and_never_after_cancelling(api: Api) -> None:
    conference = await api.conference(api.member(None, "admin"), capacity=2, starts_in=timedelta(days=3))
    starts_at = datetime.fromisoformat(conference["starts_at"])
    keeps, cancels, waits = api.member(), api.member(), api.member()
    await api.register(keeps, conference["conference_id"])
    cancelled = (await api.register(cancels, conference["conference_id"])).json()
    await api.register(waits, conference["conference_id"])  # waiting: no reminder while in line
    await api.act(cancels, cancelled["registration_id"], "cancel")  # the place goes to `waits` (offered)

    for before, expected in [
        (timedelta(hours=30), 0),
        (timedelta(hours=23, minutes=59), 1),
        (timedelta(hours=23), 0),  # already sent
        (timedelta(minutes=59), 1),
        (timedelta(minutes=30), 0),
    ]:
        moment = starts_at - before
        assert await send_due_reminders(api.pool, clock=lambda m=moment: m) == expected, before

    sent = await api.messages("registration.reminder")
    assert [(m["data"]["member_id"], m["data"]["which"]) for m in sent] == [
        (str(keeps.member_id), "day_before"),
        (str(keeps.member_id), "hour_before"),
    ]
    assert sent[0]["data"]["starts_at"].startswith(starts_at.isoformat()[:16])


async def test_after_a_reschedule_the_reminders_come_again_for_the_new_time(api: Api) -> None:
    host = api.member(None, "admin")
    conference = await api.conference(host, starts_in=timedelta(days=3))
    starts_at = datetime.fromisoformat(conference["starts_at"])
    person = api.member()
    await api.register(person, conference["conference_id"])
    assert await send_due_reminders(api.pool, clock=lambda: starts_at - timedelta(hours=23)) == 1  # the day's

    later = starts_at + timedelta(days=7)  # a day's reminder already came, for the old date
    moved = await api.client.post(
        f"/conferences/{conference['conference_id']}/reschedule",
        json={"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()},
        headers=host.headers,
    )
    assert moved.status_code == 200, moved.text

    for before, expected in [(timedelta(hours=30), 0), (timedelta(hours=23), 1), (timedelta(minutes=59), 1)]:
        moment = later - before
        assert await send_due_reminders(api.pool, clock=lambda m=moment: m) == expected, before
    sent = await api.messages("registration.reminder")
    assert [m["data"]["which"] for m in sent] == ["day_before", "day_before", "hour_before"]
    assert sent[1]["data"]["starts_at"].startswith(later.isoformat()[:16]), "the new time, not the old"
