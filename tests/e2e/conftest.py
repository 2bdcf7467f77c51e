"""Running `make run` (deploy/local/stack.py) from a test, on free ports and a data folder of its own.

The journeys share one stack, booted once per session (`platform`). `test_local_stack.py` runs first (files
run in name order): it checks the fresh platform and restarts it once; the journeys then run on the
restarted platform, each with people of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright

from shared.testing.local_stack import LocalStack

from .web import CHROMIUM, LAUNCH_ARGS, Web

# Every browser of these tests signs in from 127.0.0.1, one client address: the gateway's limits per address
# would refuse the tenth person of the minute (the limits are proven by its own tests).
SETTINGS = {"RATE_LIMIT_SIGN_IN": "500", "RATE_LIMIT_EMAIL_LINK": "100"}
Platform = LocalStack


def psql_count(ports: dict[str, int], database: str, query: str) -> int:
    async def run() -> int:
        conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{ports['postgres']}/{database}")
        try:
            return int(await conn.fetchval(query))
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    running = LocalStack(tmp_path_factory.mktemp("platform"), settings=SETTINGS)
    running.start()
    try:
        yield running
    finally:
        if running.process is not None:
            running.stop()


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test` runs two workers), every journey goes to one worker, in file order, so
    the platform is booted once and `test_local_stack.py` still runs first."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.xdist_group("platform"))


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
