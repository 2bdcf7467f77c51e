"""`make run` as a newcomer uses it: every process comes up ready, demo members flow through the
broker into the other services, Ctrl-C stops everything (even right after a burst of joins: every effect
is there after the next start), and a second run keeps the data."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import httpx
import psutil

from shared.testing.eventually import eventually
from shared.testing.local_stack import SERVICES

from .conftest import Platform, psql_count

BURST = 12


def join_burst(ports: dict[str, int], count: int) -> list[str]:
    """`count` newcomers register, log in, consent, describe themselves (fibromyalgia, evenings in Paris:
    like the demo mentors) and join asking for a mentor, all at once; their member ids."""

    def newcomer(n: int) -> str:
        with httpx.Client(base_url=f"http://127.0.0.1:{ports['membership']}", timeout=30) as api:
            email, password = f"burst-{n}@example.org", "a long walk on the coast"
            body = {"email": email, "password": password, "display_name": f"Burst {n}"}
            api.post("/auth/register", json=body).raise_for_status()
            tokens = api.post("/auth/login", json={"email": email, "password": password}).raise_for_status().json()
            me = {"Authorization": f"Bearer {tokens['access_token']}"}
            member_id: str = api.get("/me", headers=me).raise_for_status().json()["member_id"]
            for kind in ("health_data", "peer_matching"):
                consent = {"kind": kind, "granted": True, "version": "2026-01"}
                api.post("/me/consents", headers=me, json=consent).raise_for_status()
            profile = {"languages": ["en"], "time_zone": "Europe/Paris"}
            api.patch("/me/profile", headers=me, json=profile).raise_for_status()
            conditions = {"conditions": [{"code": "M79.7", "diagnosed_year": 2024}]}
            api.put("/me/conditions", headers=me, json=conditions).raise_for_status()
            windows = {"windows": [{"weekday": day, "start": "17:00", "end": "21:00"} for day in (1, 2, 3, 5)]}
            api.put("/me/availability", headers=me, json=windows).raise_for_status()
            cp = next(a for a in api.get("/associations", headers=me).json() if a["slug"] == "chronic-pain")
            join = api.post(f"/associations/{cp['association_id']}/join", headers=me, json={"wants_mentor": True})
            assert join.status_code == 201, join.text
            return member_id

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(newcomer, range(count)))


async def match_proposals(ports: dict[str, int], mentees: list[str]) -> set[str]:
    """Event ids of the match.proposed messages matching staged for these mentees."""
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{ports['postgres']}/matching")
    try:
        rows = await conn.fetch(
            "SELECT event_id::text FROM outbox WHERE event_type = 'match.proposed' AND message_key = ANY($1::text[])",
            mentees,
        )
    finally:
        await conn.close()
    return {row["event_id"] for row in rows}


async def consumed_by_notifications(ports: dict[str, int], event_ids: set[str]) -> set[str]:
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{ports['postgres']}/notifications")
    try:
        rows = await conn.fetch(
            "SELECT event_id::text FROM inbox WHERE event_id::text = ANY($1::text[])", list(event_ids)
        )
    finally:
        await conn.close()
    return {row["event_id"] for row in rows}


def erase_burst(ports: dict[str, int]) -> None:
    with httpx.Client(base_url=f"http://127.0.0.1:{ports['membership']}", timeout=30) as api:
        for n in range(BURST):
            login = {"email": f"burst-{n}@example.org", "password": "a long walk on the coast"}
            token = api.post("/auth/login", json=login).raise_for_status().json()["access_token"]
            api.delete("/me", headers={"Authorization": f"Bearer {token}"}).raise_for_status()


def dead_letters(ports: dict[str, int], service: str) -> int:
    """How many dead letters `fellowship-dlq list` counts for `service`, against make run's own database."""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://{service}:{service}@127.0.0.1:{ports['postgres']}/{service}",
        "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{ports['broker']}",
        "KAFKA_PROFILE": "embedded",
    }
    listed = subprocess.run(
        [str(Path(sys.executable).with_name("fellowship-dlq")), "list"], env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    last = listed.stdout.splitlines()[-1]  # "N dead letter(s)", after one line per letter
    assert last.endswith(" dead letter(s)"), listed.stdout
    return int(last.split()[0])


def test_make_run_starts_everything_and_stops_cleanly(platform: Platform) -> None:
    ports, tmp_path = platform.ports, platform.data_dir
    stack = platform.process
    assert stack is not None
    try:
        output = platform.boot_output
        assert any("demo data: 14 people created" in line for line in output)
        assert any("password fellowship-demo" in line for line in output)
        for name in SERVICES:
            response = httpx.get(f"http://127.0.0.1:{ports[name]}/ready", timeout=5)
            assert response.status_code == 200, (name, response.text)
        assert f"http://127.0.0.1:{ports['gateway']}/" in "\n".join(output)
        children = psutil.Process(stack.pid).children(recursive=True)
        infrastructure = [
            p
            for p in psutil.process_iter(["cmdline"])
            if str(tmp_path) in " ".join(p.info["cmdline"] or [])
            or f"127.0.0.1:{ports['broker']}" in " ".join(p.info["cmdline"] or [])
        ]
        # the demo members (all but the one waiting for approval) reached the other services through the broker
        announced = psql_count(ports, "membership", "SELECT count(*) FROM memberships WHERE joined_at IS NOT NULL")
        assert announced == 12
        people_in_matching = lambda: asyncio.to_thread(psql_count, ports, "matching", "SELECT count(*) FROM people")  # noqa: E731
        asyncio.run(eventually(people_in_matching, until=lambda n: n >= announced, timeout=30, interval=0.2))
        assert psql_count(ports, "matching", "SELECT count(*) FROM people") == announced
        assert psql_count(ports, "notifications", "SELECT count(*) FROM directory WHERE email IS NOT NULL") == announced
        assert psql_count(ports, "events", "SELECT count(*) FROM people") == announced
        # operators read a service's dead letters with fellowship-dlq, against make run's own database
        assert dead_letters(ports, "notifications") == 0

        # a burst of joins just before Ctrl-C: the stop must not declare quiet while their effects travel
        burst = join_burst(ports, BURST)
    finally:
        lines = platform.stop()
    assert "[fellowship] outboxes published and consumers caught up" in lines
    assert "[fellowship] stopped" in lines
    leftovers = [p for p in [*children, *infrastructure] if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not leftovers, f"processes left behind: {[p.pid for p in leftovers]}"

    # a second run keeps the PostgreSQL data: the demo members are already there (the journeys use this run)
    output = platform.start()
    assert any("demo data: 0 people created" in line for line in output)
    assert psql_count(ports, "membership", "SELECT count(*) FROM accounts") == 14 + BURST
    # every effect of the burst is there after the next start: nothing was lost with the broker's memory
    ids = ", ".join(f"'{member_id}'" for member_id in burst)
    assert psql_count(ports, "matching", f"SELECT count(*) FROM people WHERE member_id IN ({ids})") == BURST
    assert psql_count(ports, "matching", f"SELECT count(*) FROM requests WHERE mentee_id IN ({ids})") == BURST
    assert psql_count(ports, "events", f"SELECT count(*) FROM people WHERE member_id IN ({ids})") == BURST
    welcomes = f"SELECT count(DISTINCT member_id) FROM deliveries WHERE template = 'welcome' AND member_id IN ({ids})"
    assert psql_count(ports, "notifications", welcomes) == BURST
    # and every proposal matching made for them reached notifications (before the stop or after the start)
    proposed = asyncio.run(match_proposals(ports, burst))
    assert proposed, "the matcher proposed nobody to the burst: the demo mentors should have had room"

    def unheard() -> set[str]:
        return proposed - asyncio.run(consumed_by_notifications(ports, proposed))

    assert asyncio.run(eventually(lambda: asyncio.to_thread(unheard), until=lambda left: not left, timeout=30)) == set()

    # the demo data, the burst and the restart put no message of any service in its dead-letter topic
    for service in SERVICES:
        assert dead_letters(ports, service) == 0, service

    # the burst leaves for good, so the journeys that follow find the demo mentors' places free again
    erase_burst(ports)
    waiting = f"SELECT count(*) FROM proposals WHERE status = 'proposed' AND mentee_id IN ({ids})"
    asyncio.run(
        eventually(
            lambda: asyncio.to_thread(psql_count, ports, "matching", waiting), until=lambda n: n == 0, timeout=30
        )
    )
