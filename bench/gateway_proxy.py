"""The gateway's `/api` proxy against calling the service directly, on the whole embedded platform.

What is measured
    `make run`'s platform (deploy/local/stack.py: PostgreSQL, the broker, the SMTP sink and every service,
    each one process) is started on free ports with a data folder of its own. CONCURRENCY people register
    (untimed), and each signs in twice: at the gateway's sign-in page (a browser with its session cookie)
    and at membership's /auth/login (a bearer token). Then each person's client sends its share of
    REQUESTS calls for the inbox's unread count, one after another (CONCURRENCY calls in flight):
    ours      GET gateway /api/notifications/me/inbox/unread-count with the session cookie: the session
              found in the gateway's PostgreSQL by the id's hash, its tokens opened, the member's page
              count (in the process, written once a second; the limit raised so no call is refused), the
              bearer swap, one pooled HTTP call to notifications, the answer passed back.
    baseline  GET notifications /me/inbox/unread-count with the bearer token: the same work at
              notifications (token check, one query), without the gateway.
Each side runs twice, in the order ours, direct, direct, ours, after a warm-up of both; a side's figure is
the sum of its two runs (calls / seconds). p50 and p99 are of every call of that side. The client (aiohttp,
this process; the lightest Python client, so that it takes as little as it can from the servers), the
services, PostgreSQL and the broker all share the machine's two cores, as they would on one small node;
"client CPU ms/call" is this process's CPU time per call.

How to read the ratio
    RATIO gateway_proxy_vs_direct = ours calls/s / direct calls/s. 1.00 would mean the gateway costs
    nothing over a direct call; a browser's call through it does the direct call's work and the gateway's
    (a second HTTP server and client, a session read, the middleware). Compare ratios between runs, not absolute rates.

Run: .venv/bin/python bench/gateway_proxy.py
"""

from __future__ import annotations

import asyncio
import re
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import httpx
from infrastructure import Throughput, cpu_times, print_ratio, print_steal, print_table

from shared.testing.local_stack import LocalStack

REQUESTS = 2000
WARMUP = 200
CONCURRENCY = 16
PASSWORD = "a long and quiet walk"
PATH = "/me/inbox/unread-count"
# Every call counts against the member's page limit; raised so that none is refused (the counting is paid).
SETTINGS = {"RATE_LIMIT_PAGE": "100000000", "RATE_LIMIT_SIGN_IN": "1000"}


@dataclass
class Side:
    label: str
    url: str
    people: list[dict[str, str]]  # each person's request headers: their session cookie, or their bearer token
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    calls: int = 0
    latencies: list[float] = field(default_factory=list)

    async def run(self, client: aiohttp.ClientSession, count: int) -> None:
        latencies: list[float] = []

        async def person(headers: dict[str, str]) -> None:
            for _ in range(count // len(self.people)):
                start = time.perf_counter()
                async with client.get(self.url, headers=headers) as response:
                    body = await response.read()
                latencies.append(time.perf_counter() - start)
                if response.status != 200:
                    raise RuntimeError(f"{self.label}: {response.status} {body[:200]!r}")

        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(person(headers) for headers in self.people))
        self.seconds += time.perf_counter() - wall
        self.cpu_seconds += time.process_time() - cpu
        self.calls += count
        self.latencies += latencies

    def reset(self) -> None:
        self.seconds = self.cpu_seconds = self.calls = 0
        self.latencies = []

    def throughput(self) -> Throughput:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
        return Throughput(self.label, self.calls, self.seconds, self.cpu_seconds, f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")


async def register(client: httpx.AsyncClient, email: str) -> None:
    registered = await client.post(
        "/auth/register", json={"email": email, "password": PASSWORD, "display_name": "Bench"}
    )
    if registered.status_code != 202:
        raise RuntimeError(f"registering {email}: {registered.status_code} {registered.text[:300]}")


async def bearer_headers(membership: httpx.AsyncClient, email: str) -> dict[str, str]:
    answer = await membership.post("/auth/login", json={"email": email, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def session_headers(gateway_url: str, email: str) -> dict[str, str]:
    """Signed in at the gateway's sign-in page, as a browser would; the Cookie header its calls then carry."""
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as browser:
        page = await browser.get("/sign-in")
        token = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page.text)
        if token is None:
            raise RuntimeError(f"no sign-in form at {gateway_url}/sign-in")
        signed_in = await browser.post(
            "/sign-in", data={"_csrf_token": token.group(1), "email": email, "password": PASSWORD}
        )
        if signed_in.status_code != 303:
            raise RuntimeError(f"signing in at the gateway: {signed_in.status_code} {signed_in.text[:300]}")
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in browser.cookies.items())}


async def measure(stack: LocalStack) -> None:
    emails = [f"bench-{n}@example.org" for n in range(CONCURRENCY)]
    async with httpx.AsyncClient(base_url=stack.url("membership"), timeout=30) as membership:
        for email in emails:
            await register(membership, email)
        tokens = [await bearer_headers(membership, email) for email in emails]
    cookies = [await session_headers(stack.url("gateway"), email) for email in emails]
    print(f"{len(emails)} people registered and signed in; measuring ...", flush=True)
    ours = Side(
        "gateway /api (cookie → bearer → notifications)", f"{stack.url('gateway')}/api/notifications{PATH}", cookies
    )
    direct = Side("notifications directly (bearer)", f"{stack.url('notifications')}{PATH}", tokens)
    connector = aiohttp.TCPConnector(limit=2 * CONCURRENCY)
    started = cpu_times()
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as client:
        for side in (ours, direct):
            await side.run(client, WARMUP)
            side.reset()
        for side in (ours, direct, direct, ours):
            await side.run(client, REQUESTS)
    title = f"The gateway's proxy: {2 * REQUESTS} calls per side, {CONCURRENCY} at a time"
    print_table(title, [ours.throughput(), direct.throughput()], unit="call")
    print_steal(started)
    print_ratio("gateway_proxy_vs_direct", ours.throughput(), direct.throughput())


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="fellowship-bench-gateway-") as directory:
        stack = LocalStack(Path(directory), settings=SETTINGS)
        print("starting the platform (make run's stack) ...", flush=True)
        stack.start()
        try:
            asyncio.run(measure(stack))
        finally:
            stack.stop()


if __name__ == "__main__":
    main()
