"""An association admin's matching over HTTP: the score weights and the statistics, for their association only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from matching.adapters.weights import weights_for
from matching.domain.scoring import Weights

from .conftest import Api, Member

CHOSEN = {"condition": 50, "availability": 25, "preferences": 0, "experience": 5, "waiting": 20}
DEFAULTS = {"condition": 40, "availability": 20, "preferences": 15, "experience": 10, "waiting": 15}


async def admin_of(api: Api, association_id: UUID | None = None) -> Member:
    return await api.member(association_id, ("member", "admin"))


async def test_defaults_until_the_admin_chooses(api: Api) -> None:
    admin = await admin_of(api)
    path = f"/associations/{admin.association_id}/weights"

    before = await api.client.get(path, headers=admin.headers)
    changed = await api.client.put(path, json=CHOSEN, headers=admin.headers)
    after = await api.client.get(path, headers=admin.headers)

    assert before.status_code == 200, before.text
    assert before.json() == {**DEFAULTS, "is_default": True}
    assert changed.status_code == after.status_code == 200, changed.text
    assert changed.json() == after.json() == {**CHOSEN, "is_default": False}
    async with api.pool.acquire() as conn:
        assert await weights_for(conn, admin.association_id) == Weights(**CHOSEN)
    again = await api.client.put(path, json=DEFAULTS, headers=admin.headers)
    assert again.json() == {**DEFAULTS, "is_default": False}


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({**CHOSEN, "condition": -1}, "condition"),
        ({**CHOSEN, "waiting": 1001}, "waiting"),
        ({**CHOSEN, "availability": 2.5}, "availability"),
        ({**CHOSEN, "availability": "20"}, "availability"),
        ({**CHOSEN, "experience": True}, "experience"),
        ({**CHOSEN, "experience": None}, "experience"),
        ({**CHOSEN, "distance": 10}, "distance"),
        ({k: v for k, v in CHOSEN.items() if k != "preferences"}, "preferences"),
        (dict.fromkeys(CHOSEN, 0), "body"),
    ],
)
async def test_bad_weights_are_named_and_nothing_is_stored(api: Api, bad: dict[str, Any], field: str) -> None:
    admin = await admin_of(api)

    response = await api.client.put(f"/associations/{admin.association_id}/weights", json=bad, headers=admin.headers)

    assert response.status_code == 422, response.text
    body = response.json()
    assert "whole numbers from 0 to 1000, at least one positive" in body["detail"]
    assert field in [problem["field"] for problem in body["extra"]], body
    assert await api.pool.fetchval("SELECT count(*) FROM association_weights") == 0


async def test_weights_must_be_an_object(api: Api) -> None:
    admin = await admin_of(api)

    response = await api.client.put(
        f"/associations/{admin.association_id}/weights", json=[1, 2, 3], headers=admin.headers
    )

    assert 400 <= response.status_code < 500
    assert await api.pool.fetchval("SELECT count(*) FROM association_weights") == 0


async def test_only_the_associations_own_admins(api: Api) -> None:
    admin = await admin_of(api)
    member = await api.member(admin.association_id, ("member", "mentor"))
    other_admin = await admin_of(api)
    federation_admin = await api.member(admin.association_id)
    federation_headers = api.headers(
        federation_admin.member_id, {str(admin.association_id): ["member"]}, federation_roles=["federation_admin"]
    )
    base = f"/associations/{admin.association_id}"

    for headers in (member.headers, other_admin.headers, federation_headers):
        for method, path, body in (
            ("GET", "/weights", None),
            ("PUT", "/weights", CHOSEN),
            ("GET", "/statistics", None),
        ):
            response = await api.client.request(method, base + path, json=body, headers=headers)
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["detail"] == "only an admin of this association can see or change its matching"
    assert await api.pool.fetchval("SELECT count(*) FROM association_weights") == 0


async def test_statistics_on_a_known_history(api: Api) -> None:
    admin = await admin_of(api)
    association = admin.association_id
    now = datetime.now(UTC)
    busy = await api.mentor(association, capacity=3, load=2)
    resting = await api.mentor(association, capacity=1, paused=True)

    async def history(
        request_status: str, created_days_ago: float, *proposals: tuple[str, float, float | None]
    ) -> None:
        """A request and its proposals: (status, hours after the request it was made, hours to decide)."""
        created = now - timedelta(days=created_days_ago)
        request_id = await api.request(await api.member(association), request_status, created_at=created)
        for status, after, decided_in in proposals:
            made = created + timedelta(hours=after)
            decided = None if decided_in is None else made + timedelta(hours=decided_in)
            await api.proposal(
                request_id, busy, status, reserve=False, created_at=made, decided_at=decided,
                expires_at=made + timedelta(hours=72),
            )  # fmt: skip

    # Open requests, three of them with the matcher's reason.
    for reason in ("all_mentors_full", "no_shared_language", "all_mentors_full", None):
        await api.request(await api.member(association), unmatched_reason=reason, estimated_wait_days=9)
    # Within the last 90 days: first proposals after 2, 4, 8, 1 and 3 hours; acceptances after 6 and 2 hours;
    # answers: 2 accepted, 1 declined, 1 expired (a waiting and a withdrawn proposal are no answer).
    await history("matched", 10, ("accepted", 2, 6))
    await history("matched", 20, ("declined", 4, 1), ("accepted", 10, 2))
    await history("open", 5, ("expired", 8, 72))
    await history("proposed", 1, ("proposed", 1, None))
    await history("cancelled", 3, ("withdrawn", 3, 1))
    # Too old to count.
    await history("matched", 200, ("accepted", 100, 50), ("declined", 1, 1))
    # Another association's history never counts.
    elsewhere = await admin_of(api)
    await api.request(await api.member(elsewhere.association_id), unmatched_reason="no_availability_overlap")
    other_mentor = await api.mentor(elsewhere.association_id)
    other_request = await api.request(await api.member(elsewhere.association_id), "matched", created_at=now)
    await api.proposal(other_request, other_mentor, "declined", created_at=now, decided_at=now + timedelta(hours=1))

    response = await api.client.get(f"/associations/{association}/statistics", headers=admin.headers)

    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["association_id"] == str(association) and stats["window_days"] == 90
    assert stats["open_requests"] == 5
    assert stats["unmatched_by_reason"] == {"all_mentors_full": 2, "no_shared_language": 1}
    assert stats["median_hours_to_proposal"] == pytest.approx(3.0)
    assert stats["median_hours_to_acceptance"] == pytest.approx(4.0)
    assert stats["acceptance_rate"] == pytest.approx(0.5)
    assert stats["mentor_load"] == [
        {"mentor_id": str(busy.member_id), "load": 2, "capacity": 3, "paused": False},
        {"mentor_id": str(resting.member_id), "load": 0, "capacity": 1, "paused": True},
    ]


async def test_statistics_of_a_quiet_association(api: Api) -> None:
    admin = await admin_of(api)

    response = await api.client.get(f"/associations/{admin.association_id}/statistics", headers=admin.headers)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "association_id": str(admin.association_id),
        "window_days": 90,
        "open_requests": 0,
        "median_hours_to_proposal": None,
        "median_hours_to_acceptance": None,
        "acceptance_rate": None,
        "unmatched_by_reason": {},
        "mentor_load": [],
    }
