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
the sum of its two runs (calls / seconds). p50 and p99 are of every call of that side. The client (httpx,
this process), the services, PostgreSQL and the broker all share the machine's two cores, as they would
on one small node; "client CPU ms/call" is this process's CPU time per call.

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

import httpx
from infrastructure import Throughput, print_ratio, print_table

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
    clients: list[httpx.AsyncClient]  # one per person
    url: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    calls: int = 0
    latencies: list[float] = field(default_factory=list)

    async def run(self, count: int) -> None:
        latencies: list[float] = []

        async def person(client: httpx.AsyncClient) -> None:
            for _ in range(count // len(self.clients)):
                start = time.perf_counter()
                response = await client.get(self.url)
                latencies.append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise RuntimeError(f"{self.label}: {response.status_code} {response.text[:200]}")

        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(person(client) for client in self.clients))
        self.seconds += time.perf_counter() - wall
        self.cpu_seconds += time.process_time() - cpu
        self.calls += count
        self.latencies += latencies

    def throughput(self) -> Throughput:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000
        p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
        return Throughput(self.label, self.calls, self.seconds, self.cpu_seconds, f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")


async def signed_in_browser(gateway_url: str, email: str) -> httpx.AsyncClient:
    browser = httpx.AsyncClient(base_url=gateway_url, timeout=30)
    page = await browser.get("/sign-in")
    token = re.search(r'name="_csrf_token" value="([0-9a-f]+)"', page.text)
    if token is None:
        raise RuntimeError(f"no sign-in form at {gateway_url}/sign-in")
    signed_in = await browser.post(
        "/sign-in", data={"_csrf_token": token.group(1), "email": email, "password": PASSWORD}
    )
    if signed_in.status_code != 303:
        raise RuntimeError(f"signing in at the gateway: {signed_in.status_code} {signed_in.text[:300]}")
    return browser


async def bearer_client(membership_url: str, notifications_url: str, email: str) -> httpx.AsyncClient:
    async with httpx.AsyncClient(base_url=membership_url, timeout=30) as client:
        registered = await client.post(
            "/auth/register", json={"email": email, "password": PASSWORD, "display_name": "Bench"}
        )
        if registered.status_code != 202:
            raise RuntimeError(f"registering {email}: {registered.status_code} {registered.text[:300]}")
        answer = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
        answer.raise_for_status()
    headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    return httpx.AsyncClient(base_url=notifications_url, timeout=30, headers=headers)


async def measure(stack: LocalStack) -> None:
    emails = [f"bench-{n}@example.org" for n in range(CONCURRENCY)]
    direct_clients = [
        await bearer_client(stack.url("membership"), stack.url("notifications"), email) for email in emails
    ]
    browsers = [await signed_in_browser(stack.url("gateway"), email) for email in emails]
    print(f"{len(emails)} people registered and signed in; measuring ...", flush=True)
    try:
        ours = Side("gateway /api (cookie → bearer → notifications)", browsers, f"/api/notifications{PATH}")
        direct = Side("notifications directly (bearer)", direct_clients, PATH)
        for side in (ours, direct):
            await side.run(WARMUP)
            side.seconds = side.cpu_seconds = side.calls = 0
            side.latencies = []
        for side in (ours, direct, direct, ours):
            await side.run(REQUESTS)
        title = f"The gateway's proxy: {2 * REQUESTS} calls per side, {CONCURRENCY} at a time"
        print_table(title, [ours.throughput(), direct.throughput()], unit="call")
        print_ratio("gateway_proxy_vs_direct", ours.throughput(), direct.throughput())
    finally:
        for client in (*browsers, *direct_clients):
            await client.aclose()


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
