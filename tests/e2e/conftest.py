"""Running `make run` (deploy/local/stack.py) from a test, on free ports and a data folder of its own.

The journeys share one stack, booted once per session (`platform`). `test_local_stack.py` runs first (files
run in name order): it checks the fresh platform and restarts it once; the journeys then run on the
restarted platform, each with people of its own.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright

from shared.embedded import free_port

from .web import CHROMIUM, LAUNCH_ARGS, Web

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
        # Every browser of these tests signs in from 127.0.0.1, one client address: the gateway's limits per
        # address would refuse the tenth person of the minute (the limits are proven by its own tests).
        "RATE_LIMIT_SIGN_IN": "500",
        "RATE_LIMIT_EMAIL_LINK": "100",
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


def free_ports() -> dict[str, int]:
    return {name: free_port() for name in [*SERVICES, "postgres", "broker", "smtp"]}


def psql_count(ports: dict[str, int], database: str, query: str) -> int:
    async def run() -> int:
        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{ports['postgres']}/{database}")
        try:
            return int(await conn.fetchval(query))
        finally:
            await conn.close()

    return asyncio.run(run())


READY_LINE = "press Ctrl-C to stop"


@dataclass
class Platform:
    """The running stack: its data folder, ports, process and what it printed while starting."""

    data_dir: Path
    ports: dict[str, int]
    process: subprocess.Popen[str] | None = None
    boot_output: list[str] = field(default_factory=list)

    def start(self) -> list[str]:
        self.process = start_stack(self.data_dir, self.ports)
        self.boot_output = wait_for_line(self.process, READY_LINE, timeout=180)
        return self.boot_output

    def stop(self) -> list[str]:
        """Ctrl-C; what it printed while stopping (AssertionError unless it exited 0)."""
        assert self.process is not None
        process, self.process = self.process, None
        lines = stop_stack(process)
        assert process.returncode == 0, lines
        return lines

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    running = Platform(tmp_path_factory.mktemp("platform"), free_ports())
    running.start()
    try:
        yield running
    finally:
        if running.process is not None:
            running.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Keep each phase's report on the test, so fixtures can tell whether it failed (for screenshots)."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Debian Chromium for every browser test."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-tools` (as root it installs Debian's chromium)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def web(browser: Browser, platform: Platform, request: pytest.FixtureRequest) -> AsyncIterator[Web]:
    """Browser windows on the platform's web client; screenshots of each under .test-artifacts/ if the test
    fails; and no window may report a CSP violation or a script error."""
    opened = Web(browser, platform.url("gateway"))
    try:
        yield opened
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            print("screenshots:", *await opened.screenshots(request.node.name))
        else:
            assert not opened.problems(), f"the browser reported: {opened.problems()}"
    finally:
        await opened.close()
