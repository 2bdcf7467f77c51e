"""Running `make run` (deploy/local/stack.py) from a test, on free ports and a data folder of its own."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from shared.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["gateway", "membership", "events", "matching", "notifications"]


def start_stack(data_dir: Path, ports: dict[str, int]) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "FELLOWSHIP_DATA_DIR": str(data_dir),
        "POSTGRES_PORT": str(ports["postgres"]),
        "BROKER_PORT": str(ports["broker"]),
        "FELLOWSHIP_SMTP_PORT": str(ports["smtp"]),
        **{f"{name.upper()}_PORT": str(ports[name]) for name in SERVICES},
    }
    for variable in ("KAFKA_BOOTSTRAP_SERVERS", "FELLOWSHIP_POSTGRES_URL", "SMTP_HOST", "KAFKA_PROFILE"):
        env.pop(variable, None)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "deploy" / "local" / "stack.py")],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_line(process: subprocess.Popen[str], text: str, timeout: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if text in line:
            return lines
    raise AssertionError(f"{text!r} not seen; output was:\n" + "\n".join(lines))


def stop_stack(process: subprocess.Popen[str]) -> list[str]:
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=120)
    return out.splitlines()


@pytest.fixture
def ports() -> dict[str, int]:
    return {name: free_port() for name in [*SERVICES, "postgres", "broker", "smtp"]}


def psql_count(ports: dict[str, int], database: str, query: str) -> int:
    async def run() -> int:
        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{ports['postgres']}/{database}")
        try:
            return int(await conn.fetchval(query))
        finally:
            await conn.close()

    return asyncio.run(run())
