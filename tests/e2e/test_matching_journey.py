"""Peer mentoring on `make run`, as a newcomer and a mentor use it: ask for a mentor, get a proposal with
its explanation and first slot within seconds, the first mentor declines, another is proposed and
accepts; the association's admin sees the statistics. Tokens come from membership; matching checks
them against membership's published keys."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from .conftest import start_stack, stop_stack, wait_for_line

PASSWORD = "a long walk on the coast"
DEMO_PASSWORD = "fellowship-demo"


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.method, response.request.url, response.text)
    return response.json() if response.content else None


def bearer(membership: httpx.Client, email: str, password: str) -> dict[str, str]:
    tokens = ok(membership.post("/auth/login", json={"email": email, "password": password}))
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def eventually(what: str, check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while (result := check()) is None and time.monotonic() < deadline:
        time.sleep(0.3)
    assert result is not None, f"{what}: not within {timeout:.0f} s"
    return result


def waiting_proposal(matching: httpx.Client, headers: dict[str, str], exclude: set[str]) -> dict[str, Any] | None:
    proposals = ok(matching.get("/me/proposals", headers=headers))
    fresh = [p for p in proposals if p["status"] == "proposed" and p["counterpart_id"] not in exclude]
    return fresh[0] if fresh else None


def test_a_newcomer_is_proposed_a_mentor_declined_reproposed_and_accepted(
    tmp_path: Path, ports: dict[str, int]
) -> None:
    stack = start_stack(tmp_path, ports)
    try:
        wait_for_line(stack, "press Ctrl-C to stop", timeout=180)
        membership = httpx.Client(base_url=f"http://127.0.0.1:{ports['membership']}", timeout=15)
        matching = httpx.Client(base_url=f"http://127.0.0.1:{ports['matching']}", timeout=15)

        # the demo members who asked for a mentor when joining already have proposals
        lucas = bearer(membership, "lucas@example.org", DEMO_PASSWORD)
        assert eventually("a demo member's proposal", lambda: waiting_proposal(matching, lucas, set())), ok(
            matching.get("/me/requests", headers=lucas)
        )

        # a newcomer with fibromyalgia, free on Tuesday and Thursday evenings in Paris
        body = {"email": "leo@example.org", "password": PASSWORD, "display_name": "Léo", "locale": "fr"}
        member_id = ok(membership.post("/auth/register", json=body), 201)["member_id"]
        me = bearer(membership, "leo@example.org", PASSWORD)
        for kind in ("health_data", "peer_matching"):
            ok(
                membership.post("/me/consents", headers=me, json={"kind": kind, "granted": True, "version": "2026-01"}),
                201,
            )
        association = next(a for a in ok(membership.get("/associations", headers=me)) if a["slug"] == "chronic-pain")
        cp = association["association_id"]
        ok(membership.post(f"/associations/{cp}/join", headers=me), 201)
        ok(membership.patch("/me/profile", headers=me, json={"languages": ["fr"], "time_zone": "Europe/Paris"}))
        ok(
            membership.put(
                "/me/conditions", headers=me, json={"conditions": [{"code": "M79.7", "diagnosed_year": 2025}]}
            )
        )
        windows = [{"weekday": 1, "start": "18:00", "end": "20:00"}, {"weekday": 3, "start": "18:00", "end": "20:00"}]
        ok(membership.put("/me/availability", headers=me, json={"windows": windows}))

        # ask for a mentor with a fresh token (it carries the new role); matching learns of the join
        # through the broker first
        me = bearer(membership, "leo@example.org", PASSWORD)

        def ask() -> Any:
            response = matching.post("/requests", headers=me, json={"association_id": cp})
            return response.json() if response.status_code == 201 else None

        request = eventually("matching knows the newcomer", ask)
        first = eventually("a first proposal", lambda: waiting_proposal(matching, me, set()), timeout=20)
        assert first["request_id"] == request["request_id"] and first["role"] == "mentee"
        assert first["breakdown"]["condition"] > 0 and first["score"] > 0, first
        slot = first["first_slot"]
        assert "Europe/Paris" in slot["mentee_local"] and slot["mentor_local"], first

        # the proposed mentor declines; someone else is proposed
        amina = bearer(membership, "amina@example.org", DEMO_PASSWORD)
        mentors = {"amina": amina, "marc": bearer(membership, "marc@example.org", DEMO_PASSWORD)}
        first_mentor = next(
            name
            for name, h in mentors.items()
            if any(p["match_id"] == first["match_id"] for p in ok(matching.get("/me/proposals", headers=h)))
        )
        decline = {"reason": "I am away for a month"}
        ok(matching.post(f"/proposals/{first['match_id']}/decline", headers=mentors[first_mentor], json=decline))
        second = eventually(
            "another mentor proposed", lambda: waiting_proposal(matching, me, {first["counterpart_id"]}), timeout=20
        )
        assert second["counterpart_id"] != first["counterpart_id"]

        # that mentor accepts: the mentorship is active for both
        second_mentor = next(name for name in mentors if name != first_mentor)
        ok(matching.post(f"/proposals/{second['match_id']}/accept", headers=mentors[second_mentor]))
        mine = ok(matching.get("/me/mentorships", headers=me))
        assert [m["status"] for m in mine] == ["active"], mine

        # the association's admin sees the statistics
        admin = bearer(membership, "nadia@example.org", DEMO_PASSWORD)
        stats = ok(matching.get(f"/associations/{cp}/statistics", headers=admin))
        assert stats["acceptance_rate"] is not None and stats["mentor_load"], stats
        assert stats["median_hours_to_proposal"] is not None, stats
        assert matching.get(f"/associations/{cp}/statistics", headers=me).status_code == 403
        assert member_id
    finally:
        lines = stop_stack(stack)
    assert stack.returncode == 0, lines
