"""`make run` as a newcomer uses it: every process comes up ready, demo members flow through the
broker into the other services, Ctrl-C stops everything, and a second run keeps the data."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import psutil

from shared.testing.eventually import eventually

from .conftest import SERVICES, Platform, psql_count


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
        env = {
            **os.environ,
            "DATABASE_URL": f"postgresql://notifications:notifications@127.0.0.1:{ports['postgres']}/notifications",
            "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{ports['broker']}",
            "KAFKA_PROFILE": "embedded",
        }
        listed = subprocess.run(
            [str(Path(sys.executable).with_name("fellowship-dlq")), "list"], env=env, capture_output=True, text=True
        )
        assert listed.returncode == 0 and "0 dead letter(s)" in listed.stdout, listed.stderr
    finally:
        lines = platform.stop()
    assert "[fellowship] outboxes published and consumers caught up" in lines
    assert "[fellowship] stopped" in lines
    leftovers = [p for p in [*children, *infrastructure] if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not leftovers, f"processes left behind: {[p.pid for p in leftovers]}"

    # a second run keeps the PostgreSQL data: the demo members are already there (the journeys use this run)
    output = platform.start()
    assert any("demo data: 0 people created" in line for line in output)
    assert psql_count(ports, "membership", "SELECT count(*) FROM accounts") == 14
