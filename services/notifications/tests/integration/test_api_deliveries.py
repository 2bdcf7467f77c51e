"""An association admin sees the status of its e-mail deliveries: counts per status and a page of
deliveries, newest first; never an address or what was written; and only for their own association."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from .conftest import Api

T0 = datetime(2030, 1, 8, 18, 0, tzinfo=UTC)


async def test_an_admin_sees_statuses_and_counts_never_content(api: Api) -> None:
    association = uuid4()
    admin = api.member(association, ("member", "admin"))
    recipient = uuid4()
    sent = await api.delivery(association, recipient, "sent", created_at=T0)
    held = await api.delivery(
        association, recipient, "held", reason="quiet_hours", created_at=T0 + timedelta(minutes=1)
    )
    await api.delivery(
        association, recipient, "suppressed", reason="preference_off", created_at=T0 + timedelta(minutes=2)
    )
    await api.delivery(uuid4(), recipient, "failed")  # another association's
    await api.delivery(None, recipient, "failed")  # federation-wide

    response = await api.client.get(f"/associations/{association}/deliveries", headers=admin.headers)

    assert response.status_code == 200
    body = response.json()
    assert body["counts"] == {"pending": 0, "held": 1, "sent": 1, "failed": 0, "suppressed": 1}
    assert (body["total"], body["page"], body["page_size"]) == (3, 1, 50)
    assert [delivery["status"] for delivery in body["deliveries"]] == ["suppressed", "held", "sent"]
    assert body["deliveries"][1] == {
        "delivery_id": str(held),
        "member_id": str(recipient),
        "template": "registration_confirmed",
        "category": "conferences",
        "status": "held",
        "status_reason": "quiet_hours",
        "attempts": 1,
        "created_at": body["deliveries"][1]["created_at"],
        "sent_at": None,
    }
    assert body["deliveries"][2]["delivery_id"] == str(sent) and body["deliveries"][2]["sent_at"] is not None
    for secret in ("ada@example.org", "Dear Ada", "context", "message_id", "email"):
        assert secret not in response.text


async def test_pages_and_a_status_filter(api: Api) -> None:
    association = uuid4()
    admin = api.member(association, ("admin",))
    ids = [await api.delivery(association, status="sent", created_at=T0 + timedelta(minutes=i)) for i in range(5)]
    await api.delivery(association, status="failed", reason="550 mailbox unavailable")

    second = await api.client.get(
        f"/associations/{association}/deliveries",
        params={"status": "sent", "page": 2, "page_size": 2},
        headers=admin.headers,
    )
    failed = await api.client.get(
        f"/associations/{association}/deliveries", params={"status": "failed"}, headers=admin.headers
    )
    unknown = await api.client.get(
        f"/associations/{association}/deliveries", params={"status": "bounced"}, headers=admin.headers
    )

    assert [delivery["delivery_id"] for delivery in second.json()["deliveries"]] == [str(ids[2]), str(ids[1])]
    assert second.json()["total"] == 5 and second.json()["counts"]["failed"] == 1
    assert [delivery["status_reason"] for delivery in failed.json()["deliveries"]] == ["550 mailbox unavailable"]
    assert unknown.status_code == 400 and "status" in unknown.text


async def test_only_an_admin_of_that_association_may_look(api: Api) -> None:
    association = uuid4()
    await api.delivery(association)
    member = api.member(association, ("member", "mentor"))
    other_admin = api.member(uuid4(), ("admin",))

    as_member = await api.client.get(f"/associations/{association}/deliveries", headers=member.headers)
    as_other_admin = await api.client.get(f"/associations/{association}/deliveries", headers=other_admin.headers)

    assert as_member.status_code == 403 and as_other_admin.status_code == 403
    assert "only an admin of this association" in as_other_admin.json()["detail"]


async def test_an_admin_retries_the_failed_deliveries_of_their_association_and_it_is_recorded(api: Api) -> None:
    association = uuid4()
    admin = api.member(association, ("member", "admin"))
    failed = await api.delivery(association, uuid4(), "failed", reason="not taken within 3 days, 0:00:00: refused")
    sent = await api.delivery(association, uuid4(), "sent")
    elsewhere = await api.delivery(uuid4(), uuid4(), "failed")

    response = await api.client.post(f"/associations/{association}/deliveries/retry", headers=admin.headers)

    assert response.status_code == 200 and response.json() == {"association_id": str(association), "retried": 1}
    statuses = {
        row["delivery_id"]: (row["status"], row["retrying_since"] is not None)
        for row in await api.pool.fetch("SELECT delivery_id, status, retrying_since FROM deliveries")
    }
    assert statuses[failed] == ("pending", True)
    assert statuses[sent] == ("sent", False) and statuses[elsewhere] == ("failed", False)
    [action] = await api.pool.fetch("SELECT actor_id, association_id, action, detail FROM admin_actions")
    assert (action["actor_id"], action["association_id"], action["action"]) == (
        admin.member_id,
        association,
        "retry_failed_deliveries",
    )
    assert action["detail"] == {"deliveries": 1}


async def test_only_an_admin_of_the_association_may_retry(api: Api) -> None:
    association = uuid4()
    await api.delivery(association, uuid4(), "failed")
    member = api.member(association)
    other_admin = api.member(uuid4(), ("member", "admin"))

    for caller in (member, other_admin):
        response = await api.client.post(f"/associations/{association}/deliveries/retry", headers=caller.headers)
        assert response.status_code == 403, response.text
    assert await api.pool.fetchval("SELECT count(*) FROM deliveries WHERE status = 'failed'") == 1
    assert await api.pool.fetchval("SELECT count(*) FROM admin_actions") == 0
