"""Peer mentoring on `make run`, as a newcomer and a mentor use it: ask for a mentor, get a proposal with
its explanation and first slot within seconds, the first mentor declines, another is proposed and
accepts; the association's admin sees the statistics. Along the way notifications e-mails both people
(files under .data/mail/) and fills their inboxes, each exactly once, and the newcomer's open inbox
stream shows the introduction live. Tokens come from membership; the other services check them
against membership's published keys."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from typing import Any

import httpx

from shared.testing.eventually import eventually

from .conftest import Platform
from .web import mails_to

PASSWORD = "a long walk on the coast"
DEMO_PASSWORD = "fellowship-demo"


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.method, response.request.url, response.text)
    return response.json() if response.content else None


def bearer(membership: httpx.Client, email: str, password: str) -> dict[str, str]:
    tokens = ok(membership.post("/auth/login", json={"email": email, "password": password}))
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def soon(what: str, check: Any, timeout: float = 30.0) -> Any:
    """`check()` once it is not None (AssertionError naming `what` after `timeout`)."""
    probe = lambda: asyncio.to_thread(check)  # noqa: E731  # a thread: `check` may run its own event loop
    return asyncio.run(eventually(probe, until=lambda r: r is not None, timeout=timeout, interval=0.3, what=what))


def waiting_proposal(matching: httpx.Client, headers: dict[str, str], exclude: set[str]) -> dict[str, Any] | None:
    proposals = ok(matching.get("/me/proposals", headers=headers))
    fresh = [p for p in proposals if p["status"] == "proposed" and p["counterpart_id"] not in exclude]
    return fresh[0] if fresh else None


def inbox_templates(notifications: httpx.Client, headers: dict[str, str]) -> list[str]:
    return [e["template"] for e in ok(notifications.get("/me/inbox", headers=headers))["entries"]]


class Stream(threading.Thread):
    """The inbox stream as a browser's EventSource reads it (token in the query), collecting events."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.events: list[dict[str, Any]] = []
        self.open = threading.Event()

    def run(self) -> None:
        with httpx.stream("GET", self.url, timeout=httpx.Timeout(5, read=60)) as response:
            self.open.set()
            for line in response.iter_lines():
                if line.startswith("data:"):
                    self.events.append(json.loads(line[5:]))


def test_a_newcomer_is_proposed_a_mentor_declined_reproposed_and_accepted(
    platform: Platform,
) -> None:
    ports = platform.ports
    membership = httpx.Client(base_url=f"http://127.0.0.1:{ports['membership']}", timeout=15)
    matching = httpx.Client(base_url=f"http://127.0.0.1:{ports['matching']}", timeout=15)

    # the demo members who asked for a mentor when joining already have proposals
    lucas = bearer(membership, "lucas@example.org", DEMO_PASSWORD)
    assert soon("a demo member's proposal", lambda: waiting_proposal(matching, lucas, set())), ok(
        matching.get("/me/requests", headers=lucas)
    )

    # a newcomer with fibromyalgia, free on Tuesday and Thursday evenings in Paris
    body = {"email": "leo@example.org", "password": PASSWORD, "display_name": "Léo", "locale": "fr"}
    ok(membership.post("/auth/register", json=body), 202)
    me = bearer(membership, "leo@example.org", PASSWORD)
    member_id = ok(membership.get("/me", headers=me))["member_id"]
    for kind in ("health_data", "peer_matching", "email"):
        ok(
            membership.post("/me/consents", headers=me, json={"kind": kind, "granted": True, "version": "2026-01"}),
            201,
        )
    association = next(a for a in ok(membership.get("/associations", headers=me)) if a["slug"] == "chronic-pain")
    cp = association["association_id"]
    ok(membership.post(f"/associations/{cp}/join", headers=me), 201)
    ok(membership.patch("/me/profile", headers=me, json={"languages": ["fr"], "time_zone": "Europe/Paris"}))
    ok(membership.put("/me/conditions", headers=me, json={"conditions": [{"code": "M79.7", "diagnosed_year": 2025}]}))
    windows = [{"weekday": 1, "start": "18:00", "end": "20:00"}, {"weekday": 3, "start": "18:00", "end": "20:00"}]
    ok(membership.put("/me/availability", headers=me, json={"windows": windows}))

    # ask for a mentor with a fresh token (it carries the new role); matching learns of the join
    # through the broker first
    me = bearer(membership, "leo@example.org", PASSWORD)

    def ask() -> Any:
        response = matching.post("/requests", headers=me, json={"association_id": cp})
        return response.json() if response.status_code == 201 else None

    request = soon("matching knows the newcomer", ask)
    first = soon("a first proposal", lambda: waiting_proposal(matching, me, set()), timeout=20)
    assert first["request_id"] == request["request_id"] and first["role"] == "mentee"
    assert first["breakdown"]["condition"] > 0 and first["score"] > 0, first
    slot = first["first_slot"]
    assert "Europe/Paris" in slot["mentee_local"] and slot["mentor_local"], first

    # the proposed mentor declines; someone else is proposed (the newcomer watches their inbox live)
    notifications = httpx.Client(base_url=f"http://127.0.0.1:{ports['notifications']}", timeout=15)
    token = me["Authorization"].removeprefix("Bearer ")
    stream = Stream(f"http://127.0.0.1:{ports['notifications']}/me/inbox/stream?access_token={token}")
    stream.start()
    assert stream.open.wait(10)
    amina = bearer(membership, "amina@example.org", DEMO_PASSWORD)
    mentors = {"amina": amina, "marc": bearer(membership, "marc@example.org", DEMO_PASSWORD)}
    first_mentor = next(
        name
        for name, h in mentors.items()
        if any(p["match_id"] == first["match_id"] for p in ok(matching.get("/me/proposals", headers=h)))
    )
    decline = {"reason": "I am away for a month"}
    ok(matching.post(f"/proposals/{first['match_id']}/decline", headers=mentors[first_mentor], json=decline))
    second = soon(
        "another mentor proposed", lambda: waiting_proposal(matching, me, {first["counterpart_id"]}), timeout=20
    )
    assert second["counterpart_id"] != first["counterpart_id"]

    # that mentor accepts: the mentorship is active for both
    second_mentor = next(name for name in mentors if name != first_mentor)
    ok(matching.post(f"/proposals/{second['match_id']}/accept", headers=mentors[second_mentor]))
    mine = ok(matching.get("/me/mentorships", headers=me))
    assert [m["status"] for m in mine] == ["active"], mine

    # the introduction reached the open stream without a reload
    soon(
        "the introduction on the stream",
        lambda: next((e for e in stream.events if e["template"] == "introduction"), None),
        timeout=20,
    )

    # each notification exactly once, in the inbox and by e-mail
    def settled() -> Any:
        templates = inbox_templates(notifications, me)
        return templates if {"welcome", "match_declined", "introduction"} <= set(templates) else None

    mine_in_inbox = soon("the newcomer's inbox", settled)
    assert Counter(mine_in_inbox)["introduction"] == 1 and Counter(mine_in_inbox)["welcome"] == 1
    accepting = mentors[second_mentor]
    theirs = inbox_templates(notifications, accepting)
    assert Counter(theirs)["introduction"] == 1 and "match_proposed" in theirs, theirs
    mail_dir = platform.data_dir / "mail"
    leo_mail = soon(
        "the newcomer's e-mails",
        lambda: found if len(found := mails_to(mail_dir, "leo@example.org")) >= 3 else None,
    )
    subjects = Counter(str(m["Subject"]) for m in leo_mail)
    assert subjects["Bienvenue sur Fellowship"] == 1 and max(subjects.values()) == 1, subjects
    assert all(m["List-Unsubscribe"] and m["List-Unsubscribe-Post"] for m in leo_mail)
    every_id = [str(m["Message-ID"]) for m in mails_to(mail_dir, "@")]
    assert len(every_id) == len(set(every_id)), "an e-mail was sent twice"

    # the association's admin sees the statistics
    admin = bearer(membership, "nadia@example.org", DEMO_PASSWORD)
    stats = ok(matching.get(f"/associations/{cp}/statistics", headers=admin))
    assert stats["acceptance_rate"] is not None and stats["mentor_load"], stats
    assert stats["median_hours_to_proposal"] is not None, stats
    assert matching.get(f"/associations/{cp}/statistics", headers=me).status_code == 403
    assert member_id
