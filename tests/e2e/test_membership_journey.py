"""A newcomer's whole journey through membership on `make run`, over HTTP, with each step checked as
the message it leaves on the topics and as its effect in the services that read them."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from shared.messaging.topics import read_all
from shared.testing.eventually import eventually

from .conftest import Platform, psql_count

PASSWORD = "a long walk on the coast"
JOURNEY = [
    "member.joined",
    "member.consent_changed",
    "member.profile_updated",
    "member.conditions_changed",
    "member.availability_changed",
    "mentor.approved",
    "member.erased",
]


def records(bootstrap: str, topic: str, key: str) -> list[dict[str, Any]]:
    """The records of `topic` for `key`, in order: event type and payload (None for a tombstone)."""
    found = []
    for record in asyncio.run(read_all(bootstrap, topic)):
        if record.key and record.key.decode() == key:
            headers = {name: value.decode() for name, value in record.headers}
            value = None if record.value is None else json.loads(record.value)
            found.append({"type": headers["event_type"], "envelope": value, "raw": record.value})
    return found


def wait_for(check: Any, timeout: float = 30.0) -> Any:
    """`check()` once truthy (AssertionError after `timeout`)."""
    # in a thread: `check` may run an event loop of its own (psql_count does)
    return asyncio.run(eventually(lambda: asyncio.to_thread(check), timeout=timeout, interval=0.3))


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.method, response.request.url, response.text)
    return response.json() if response.content else None


def test_newcomer_registers_joins_describes_themselves_mentors_exports_and_erases(
    platform: Platform,
) -> None:
    ports = platform.ports
    api = httpx.Client(base_url=f"http://127.0.0.1:{ports['membership']}", timeout=15)
    bootstrap = f"127.0.0.1:{ports['broker']}"

    # register and log in
    body = {"email": "camille@example.org", "password": PASSWORD, "display_name": "Camille Roux", "locale": "fr"}
    ok(api.post("/auth/register", json=body), 202)
    tokens = ok(api.post("/auth/login", json={"email": "camille@example.org", "password": PASSWORD}))
    me = {"Authorization": f"Bearer {tokens['access_token']}"}
    member_id = ok(api.get("/me", headers=me))["member_id"]

    # consent to health data and peer matching, then join the chronic-pain association
    for kind in ("health_data", "peer_matching"):
        ok(api.post("/me/consents", headers=me, json={"kind": kind, "granted": True, "version": "2026-01"}), 201)
    association = next(a for a in ok(api.get("/associations", headers=me)) if a["slug"] == "chronic-pain")
    cp = association["association_id"]
    assert ok(api.post(f"/associations/{cp}/join", headers=me), 201)["status"] == "active"
    ok(api.post("/me/consents", headers=me, json={"kind": "email", "granted": True, "version": "2026-01"}), 201)

    # languages, time zone, conditions, availability
    profile = {"languages": ["fr", "en"], "time_zone": "Europe/Paris", "birth_year": 1984, "kind": "patient"}
    ok(api.patch("/me/profile", headers=me, json=profile))
    ok(api.put("/me/conditions", headers=me, json={"conditions": [{"code": "M79.7", "diagnosed_year": 2016}]}))
    windows = [{"weekday": 1, "start": "18:00", "end": "20:00"}, {"weekday": 5, "start": "10:00", "end": "12:00"}]
    ok(api.put("/me/availability", headers=me, json={"windows": windows}))

    # apply as a mentor; the association's demo admin approves
    application = {"conditions": ["M79.7"], "capacity": 2, "modalities": ["video", "phone"], "bio": "Ten years on."}
    ok(api.post(f"/associations/{cp}/mentoring", headers=me, json=application), 201)
    admin_tokens = ok(api.post("/auth/login", json={"email": "nadia@example.org", "password": "fellowship-demo"}))
    admin = {"Authorization": f"Bearer {admin_tokens['access_token']}"}
    ok(api.post(f"/associations/{cp}/mentors/{member_id}/approve", headers=admin))

    # the other services know the newcomer through the broker
    assert wait_for(
        lambda: psql_count(ports, "matching", f"SELECT count(*) FROM people WHERE member_id = '{member_id}'")
    )
    assert wait_for(
        lambda: psql_count(
            ports,
            "notifications",
            f"SELECT count(*) FROM directory WHERE member_id = '{member_id}' AND email = 'camille@example.org'",
        )
    )

    # export, then erase
    export = api.get("/me/export", headers=me)
    assert export.status_code == 200 and "M79.7" in export.text and "camille@example.org" in export.text
    ok(api.delete("/me", headers=me), 204)
    assert api.get("/me", headers=me).status_code == 401

    member_facts = wait_for(
        lambda: (
            (found := records(bootstrap, "membership.member.v1", member_id))
            and found[-1]["type"] == "member.erased"
            and found
        )
    )
    types = [r["type"] for r in member_facts]
    assert [t for t in types if t in JOURNEY] == JOURNEY, types
    assert "member.roles_changed" in types  # the approved mentor gained the mentor role
    joined = member_facts[types.index("member.joined")]["envelope"]
    assert joined["association_id"] == cp and set(joined["data"]["consents"]) == {"health_data", "peer_matching"}
    # health data travelled sealed under Camille's key, which the erasure destroyed: nothing readable is left
    approved = member_facts[types.index("mentor.approved")]["envelope"]["data"]
    assert approved["capacity"] == 2 and "sealed" in approved and "conditions" not in approved
    assert not any(b"M79.7" in r["raw"] or b"2016" in r["raw"] for r in member_facts)
    # no name, e-mail, bio or health note on the pseudonymous topic
    assert not any(b"camille" in r["raw"].lower() or b"Ten years" in r["raw"] for r in member_facts)
    contact = records(bootstrap, "membership.contact.v1", member_id)
    assert "email" not in contact[0]["envelope"]["data"] and b"camille" not in contact[0]["raw"].lower()
    assert contact[-1]["envelope"] is None  # the tombstone compaction keeps
    token = (platform.data_dir / "secrets" / "member-keys-sealing-key").read_text().strip()
    keys = httpx.get(
        f"http://127.0.0.1:{ports['membership']}/internal/member-keys/{member_id}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert keys.status_code == 404, "the erased person's key is gone, and with it every sealed copy"

    # erasure reached the other services
    gone = f"SELECT count(*) FROM directory WHERE member_id = '{member_id}'"
    assert wait_for(lambda: psql_count(ports, "notifications", gone) == 0)
    assert wait_for(
        lambda: psql_count(ports, "matching", f"SELECT count(*) FROM people WHERE member_id = '{member_id}'") == 0
    )
    assert ok(api.post("/auth/login", json={"email": "camille@example.org", "password": PASSWORD}), 401)
