"""Preferences over HTTP: every category × channel is on until the member turns it off; quiet hours are
local HH:MM times that differ; bad input answers 422 naming each problem."""

from __future__ import annotations

from typing import Any

import pytest

from shared.testing.outbox import staged_messages

from .conftest import Api

ALL_ON = {
    "account": {"email": True, "inbox": True},
    "matching": {"email": True, "inbox": True},
    "conferences": {"email": True, "inbox": True},
    "community": {"email": True, "inbox": True},
}


async def test_everything_is_on_by_default(api: Api) -> None:
    member = api.member()

    response = await api.client.get("/me/preferences", headers=member.headers)

    assert response.status_code == 200
    assert response.json() == {"preferences": ALL_ON, "quiet_hours": None, "time_zone": "UTC"}


async def test_a_subset_changes_and_the_rest_keeps_its_value(api: Api) -> None:
    member, other = api.member(), api.member()

    first = await api.client.put("/me/preferences", json={"matching": {"email": False}}, headers=member.headers)
    second = await api.client.put(
        "/me/preferences", json={"conferences": {"inbox": False, "email": True}}, headers=member.headers
    )
    back_on = await api.client.put("/me/preferences", json={"matching": {"email": True}}, headers=member.headers)

    assert first.status_code == 200
    assert first.json()["preferences"] == {**ALL_ON, "matching": {"email": False, "inbox": True}}
    assert second.json()["preferences"] == {
        **ALL_ON,
        "matching": {"email": False, "inbox": True},
        "conferences": {"email": True, "inbox": False},
    }
    assert back_on.json()["preferences"]["matching"] == {"email": True, "inbox": True}
    assert (await api.client.get("/me/preferences", headers=member.headers)).json()["preferences"] == {
        **ALL_ON,
        "conferences": {"email": True, "inbox": False},
    }
    assert (await api.client.get("/me/preferences", headers=other.headers)).json()["preferences"] == ALL_ON


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        (
            {"newsletters": {"email": False}},
            [("newsletters", "unknown category; choose from account, matching, conferences, community")],
        ),
        ({"matching": {"sms": False}}, [("matching.sms", "unknown channel; choose from email, inbox")]),
        ({"matching": {"email": "no"}}, [("matching.email", "must be true or false")]),
        ({"matching": {"email": 0}}, [("matching.email", "must be true or false")]),
        ({"matching": False}, [("matching", "give channels (email, inbox) set to true or false")]),
        (
            {"matching": {"email": None, "inbox": False}, "account": {"fax": True}},
            [("matching.email", "must be true or false"), ("account.fax", "unknown channel; choose from email, inbox")],
        ),
    ],
)
async def test_bad_choices_are_refused_naming_each_problem(
    api: Api, body: Any, problems: list[tuple[str, str]]
) -> None:
    member = api.member()

    response = await api.client.put("/me/preferences", json=body, headers=member.headers)

    assert response.status_code == 422
    assert [(problem["field"], problem["message"]) for problem in response.json()["extra"]] == problems
    assert problems[0][1] in response.json()["detail"]
    assert await api.preference(member, "matching", "inbox") is None  # nothing was stored


@pytest.mark.parametrize("body", [{}, [], ["matching"], "matching", None])  # None: no body at all
async def test_a_body_of_another_shape_says_what_to_send(api: Api, body: Any) -> None:
    member = api.member()

    response = await api.client.put("/me/preferences", json=body, headers=member.headers)

    assert response.status_code == 422
    assert '{"matching": {"email": false}' in response.json()["detail"]


async def test_quiet_hours_are_set_replaced_and_cleared(api: Api) -> None:
    member = api.member()
    await api.in_directory(member, time_zone="Europe/Paris")

    night = await api.client.put("/me/quiet-hours", json={"start": "22:00", "end": "07:30"}, headers=member.headers)
    afternoon = await api.client.put("/me/quiet-hours", json={"start": "13:00", "end": "15:00"}, headers=member.headers)
    shown = await api.client.get("/me/preferences", headers=member.headers)
    cleared = await api.client.delete("/me/quiet-hours", headers=member.headers)
    cleared_again = await api.client.delete("/me/quiet-hours", headers=member.headers)

    assert night.status_code == 200 and night.json()["quiet_hours"] == {"start": "22:00", "end": "07:30"}
    assert afternoon.json()["quiet_hours"] == {"start": "13:00", "end": "15:00"}
    assert shown.json()["quiet_hours"] == {"start": "13:00", "end": "15:00"}
    assert shown.json()["time_zone"] == "Europe/Paris"
    assert cleared.status_code == 204 and cleared_again.status_code == 204
    assert (await api.client.get("/me/preferences", headers=member.headers)).json()["quiet_hours"] is None
    told = [m["data"] for m in await staged_messages(api.pool, "preference.quiet_hours_changed")]
    assert [(m["starts_at"], m["ends_at"]) for m in told] == [
        ("22:00:00", "07:30:00"),
        ("13:00:00", "15:00:00"),
        (None, None),
    ], "events is told each change (once when cleared), so its offers respect them"


@pytest.mark.parametrize(
    ("body", "problems"),
    [
        (
            {"start": "22:00", "end": "22:00"},
            [("end", "must differ from start; to turn quiet hours off, DELETE /me/quiet-hours")],
        ),
        (
            {"start": "24:00", "end": "07:00"},
            [("start", "must be a local time as HH:MM on a 24-hour clock, e.g. 22:00")],
        ),
        ({"start": "22:00", "end": "7:00"}, [("end", "must be a local time as HH:MM on a 24-hour clock, e.g. 22:00")]),
        (
            {"start": "22:00:00", "end": "07:60"},
            [
                ("start", "must be a local time as HH:MM on a 24-hour clock, e.g. 22:00"),
                ("end", "must be a local time as HH:MM on a 24-hour clock, e.g. 22:00"),
            ],
        ),
        ({"start": 22, "end": "07:00"}, [("start", "must be a local time as HH:MM on a 24-hour clock, e.g. 22:00")]),
        ({"start": "22:00"}, [("end", "must be a local time as HH:MM on a 24-hour clock, e.g. 22:00")]),
        ({"start": "22:00", "end": "07:00", "zone": "UTC"}, [("zone", "unknown field; give only start and end")]),
    ],
)
async def test_bad_quiet_hours_are_refused_naming_each_problem(
    api: Api, body: dict[str, Any], problems: list[tuple[str, str]]
) -> None:
    member = api.member()

    response = await api.client.put("/me/quiet-hours", json=body, headers=member.headers)

    assert response.status_code == 422
    assert [(problem["field"], problem["message"]) for problem in response.json()["extra"]] == problems
    assert (await api.client.get("/me/preferences", headers=member.headers)).json()["quiet_hours"] is None


async def test_quiet_hours_want_an_object(api: Api) -> None:
    member = api.member()

    response = await api.client.put("/me/quiet-hours", json=["22:00", "07:00"], headers=member.headers)

    assert response.status_code == 422 and '{"start": "22:00", "end": "07:00"}' in response.json()["detail"]
