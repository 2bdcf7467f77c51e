"""Each service process SIGKILLed mid-stream under load, and restarted: a history checker over what was
sent (joins membership accepted) and what happened (matching's requests, welcome e-mails at the SMTP
server) finds nothing lost, nothing done twice and nothing that was never asked for.

Membership, matching and notifications run as processes of their own on the real PostgreSQL and broker;
an SMTP sink keeps every e-mail as a file. While newcomers join (register, log in, consent to e-mail,
join asking for a mentor), membership, then matching, then notifications is killed with SIGKILL and
started again.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
import pytest

from matching.bootstrap import MIGRATIONS as MATCHING
from membership.bootstrap import MIGRATIONS as MEMBERSHIP
from notifications.bootstrap import MIGRATIONS as NOTIFICATIONS
from shared.contracts import Topic
from shared.embedded import EmbeddedBroker, free_port
from shared.embedded.process import spawn
from shared.embedded.smtp_sink import start_sink
from shared.testing.eventually import eventually
from shared.testing.infrastructure import KafkaServer
from shared.testing.plugin import ServiceDatabase
from shared.testing.topics import make_topics

PASSWORD = "a long walk on the coast"
GROUPS = ("matching", "notifications")
NEWCOMERS = 30
KILL_AFTER = {5: "membership", 12: "matching", 20: "notifications"}  # accepted joins → whom to kill


@dataclass
class ServiceProcess:
    name: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.env['HTTP_PORT']}"

    async def start(self) -> None:
        self.process = spawn([sys.executable, "-m", self.name, "serve"], env=self.env, log_path=self.log)

        async def ready() -> bool:
            assert self.process is not None and self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                async with httpx.AsyncClient(timeout=2) as client:
                    return (await client.get(f"{self.base}/ready")).status_code == 200
            except httpx.HTTPError:
                return False

        await eventually(ready, timeout=90, interval=0.2, what=f"{self.name} ready")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


@dataclass
class History:
    """What the load sent: every newcomer tried, and those whose join membership accepted (201)."""

    tried: set[str] = field(default_factory=set)
    accepted: dict[str, str] = field(default_factory=dict)  # e-mail → member id


def check_history(history: History, requests: Counter[str], emails: Counter[str]) -> list[str]:
    """Anomalies: an accepted join without its effect (lost), an effect twice (duplicated), an effect of a
    join never tried (phantom)."""
    problems = []
    for email, member_id in history.accepted.items():
        if requests[member_id] == 0:
            problems.append(f"lost: no mentor request for {email}")
        if emails[email] == 0:
            problems.append(f"lost: no welcome e-mail to {email}")
    problems += [f"duplicated: {n} mentor requests for {m}" for m, n in requests.items() if n > 1]
    problems += [f"duplicated: {n} welcome e-mails to {e}" for e, n in emails.items() if n > 1]
    problems += [f"phantom: a welcome e-mail to {e}, who never tried to join" for e in emails if e not in history.tried]
    return problems


async def newcomer(client: httpx.AsyncClient, association: str, email: str) -> str | None:
    """One newcomer's whole join, each step retried while membership is down; their member id, or None."""

    async def step(method: str, path: str, **kwargs: object) -> httpx.Response | None:
        for _ in range(60):
            try:
                response = await client.request(method, path, **kwargs)  # type: ignore[arg-type]
            except httpx.HTTPError:
                await asyncio.sleep(0.5)
                continue
            if response.status_code < 500:
                return response
            await asyncio.sleep(0.5)
        return None

    body = {"email": email, "password": PASSWORD, "display_name": email.split("@")[0]}
    registered = await step("POST", "/auth/register", json=body)
    if (
        registered is None or registered.status_code != 202
    ):  # a retry of a registration that got through answers the same
        return None
    tokens = await step("POST", "/auth/login", json={"email": email, "password": PASSWORD})
    if tokens is None or tokens.status_code != 200:
        return None
    me = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    consent = {"kind": "email", "granted": True, "version": "2026-01"}
    if await step("POST", "/me/consents", headers=me, json=consent) is None:
        return None
    joined = await step("POST", f"/associations/{association}/join", headers=me, json={"wants_mentor": True})
    if joined is None or joined.status_code not in (201, 409):
        return None
    return str((await step("GET", "/me", headers=me)).json()["member_id"])  # type: ignore[union-attr]


async def effects(databases: dict[str, str], mail: Path) -> tuple[Counter[str], Counter[str]]:
    conn = await asyncpg.connect(databases["matching"])
    try:
        rows = await conn.fetch("SELECT mentee_id::text AS m FROM requests")
    finally:
        await conn.close()
    requests = Counter(row["m"] for row in rows)
    emails: Counter[str] = Counter()
    for path in mail.glob("*.eml"):
        message = message_from_bytes(path.read_bytes())
        if str(message["Subject"]).startswith("Welcome"):
            emails[str(message["X-Envelope-To"]).strip()] += 1
    return requests, emails


@pytest.fixture
def own_broker(kafka: KafkaServer) -> Iterator[KafkaServer]:
    """A broker of this test's own: the services' fixed consumer groups (killed mid-stream here) must not
    share group state with the in-process services of other tests on the session's broker."""
    if kafka.origin != "embedded":
        yield kafka  # a real Kafka cluster copes; its topics are shared
        return
    broker = EmbeddedBroker(free_port())
    broker.start()
    try:
        yield KafkaServer(broker.bootstrap_servers, "embedded", "embedded")
    finally:
        broker.stop()


@pytest.mark.slow
async def test_each_service_killed_mid_stream_loses_nothing_and_repeats_nothing(
    service_database: ServiceDatabase, own_broker: KafkaServer, tmp_path: Path
) -> None:
    kafka = own_broker
    await make_topics(
        kafka.bootstrap_servers,
        *(str(topic) for topic in Topic),
        *(f"{topic}.{group}.dlq" for topic in (Topic.MEMBER, Topic.CONTACT, Topic.MATCH) for group in GROUPS),
    )
    databases = {
        "membership": await service_database(MEMBERSHIP),
        "matching": await service_database(MATCHING),
        "notifications": await service_database(NOTIFICATIONS),
    }
    mail, smtp_port = tmp_path / "mail", free_port()
    sink = start_sink(mail, smtp_port)
    ports = {name: free_port() for name in databases}
    membership_url = f"http://127.0.0.1:{ports['membership']}"
    services = {
        name: ServiceProcess(
            name,
            {
                "DATABASE_URL": url,
                "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
                "KAFKA_PROFILE": kafka.profile,
                "KAFKA_CLIENT_ID": name,
                "HTTP_HOST": "127.0.0.1",
                "HTTP_PORT": str(ports[name]),
                "JWT_ISSUER": membership_url,
                "JWT_JWKS_URL": f"{membership_url}/.well-known/jwks.json",
                "MEMBER_KEYS_TOKEN": "services-killed-test-token",  # people's data keys, from membership
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp_port),
                "EMAIL_SENDER_POLL_INTERVAL_SECONDS": "0.5",
                "LOGIN_THROTTLE_PER_ADDRESS": "100000",
            },
            tmp_path / f"{name}.log",
        )
        for name, url in databases.items()
    }
    association = uuid4()
    conn = await asyncpg.connect(databases["membership"])
    try:
        await conn.execute(
            "INSERT INTO associations (association_id, name, slug) VALUES ($1, 'Killed', 'killed')", association
        )
    finally:
        await conn.close()

    history = History()
    try:
        for service in services.values():
            await service.start()
        async with httpx.AsyncClient(base_url=membership_url, timeout=10) as client:
            for n in range(NEWCOMERS):
                email = f"kill-{n}-{uuid4().hex[:6]}@example.org"
                history.tried.add(email)
                if member_id := await newcomer(client, str(association), email):
                    history.accepted[email] = member_id
                if victim := KILL_AFTER.get(len(history.accepted)):
                    services[victim].kill()
                    await services[victim].start()
        assert len(history.accepted) >= NEWCOMERS - 2, "the load itself mostly failed"

        async def settled() -> list[str]:
            return check_history(history, *await effects(databases, mail))

        await eventually(settled, until=lambda problems: not problems, timeout=120, interval=0.5, what="history")
        await asyncio.sleep(3)  # time for a duplicate to show up
        problems = check_history(history, *await effects(databases, mail))
    finally:
        for service in services.values():
            service.stop()
        sink.stop()
    assert problems == [], "\n".join(problems)
