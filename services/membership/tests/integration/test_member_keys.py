"""Personal and health fields leave membership sealed under the person's own key; only the services (with
their token) get the key, and erasure destroys it, so every copy anywhere becomes unreadable."""

from __future__ import annotations

import json

from cryptography.fernet import Fernet

from ..conftest import SERVICE_TOKEN, Api

SERVICES = {"Authorization": f"Bearer {SERVICE_TOKEN}"}


async def test_health_data_and_contact_travel_sealed_and_erasure_destroys_the_key(api: Api) -> None:
    association_id = await api.association()
    person = await api.person(display_name="Camille Roux")
    for kind in ("health_data", "peer_matching"):
        body = {"kind": kind, "granted": True, "version": "2026-01"}
        assert (await api.client.post("/me/consents", json=body, headers=person.headers)).status_code == 201
    assert (await api.client.post(f"/associations/{association_id}/join", headers=person.headers)).status_code == 201
    conditions = {"conditions": [{"code": "M79.7", "diagnosed_year": 2016}]}
    assert (await api.client.put("/me/conditions", json=conditions, headers=person.headers)).status_code == 200

    raw = await api.messages(raw=True)
    assert raw, "something was announced"
    for value in ("M79.7", "2016", person.email, "Camille"):
        assert value not in json.dumps(raw), f"{value} travels in the clear"
    [changed] = [m["data"] for m in raw if m.get("event_type") == "member.conditions_changed"]
    key = await api.client.get(f"/internal/member-keys/{person.member_id}", headers=SERVICES)
    assert key.status_code == 200
    opened = json.loads(Fernet(key.json()["key"].encode()).decrypt(changed["sealed"].encode()))
    assert opened == {"conditions": ["M79.7"], "diagnosed_in": {"M79.7": 2016}}

    assert (await api.client.delete("/me", headers=person.headers)).status_code == 204
    gone = await api.client.get(f"/internal/member-keys/{person.member_id}", headers=SERVICES)
    assert gone.status_code == 404


async def test_only_the_services_get_a_key(api: Api) -> None:
    person = await api.person()
    await api.pool.execute("INSERT INTO member_keys (member_id, data_key) VALUES ($1, $2)", person.member_id, b"k")
    path = f"/internal/member-keys/{person.member_id}"
    for headers in ({}, person.headers, {"Authorization": "Bearer guess"}):
        assert (await api.client.get(path, headers=headers)).status_code == 401
    assert "/internal" not in (await api.client.get("/schema/openapi.json")).text
