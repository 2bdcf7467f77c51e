"""`make run` (deploy/local/stack.py) started from a test or a benchmark, on free ports and a data folder of
its own: the whole platform (PostgreSQL, the broker, an SMTP sink and every service) as a newcomer runs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from shared.embedded import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["gateway", "membership", "events", "matching", "notifications", "community"]
READY_LINE = "press Ctrl-C to stop"


def free_ports() -> dict[str, int]:
    return {name: free_port() for name in [*SERVICES, "postgres", "broker", "smtp"]}


def _start(data_dir: Path, ports: dict[str, int], settings: dict[str, str]) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "FELLOWSHIP_DATA_DIR": str(data_dir),
        "POSTGRES_PORT": str(ports["postgres"]),
        "BROKER_PORT": str(ports["broker"]),
        "FELLOWSHIP_SMTP_PORT": str(ports["smtp"]),
        **{f"{name.upper()}_PORT": str(ports[name]) for name in SERVICES},
        **settings,
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


@dataclass
class LocalStack:
    """The running stack: its data folder, ports, process and what it printed while starting. `settings` are
    environment variables for every service (e.g. rate limits)."""

    data_dir: Path
    ports: dict[str, int] = field(default_factory=free_ports)
    settings: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[str] | None = None
    boot_output: list[str] = field(default_factory=list)

    def start(self, timeout: float = 180) -> list[str]:
        self.process = _start(self.data_dir, self.ports, self.settings)
        self.boot_output = wait_for_line(self.process, READY_LINE, timeout=timeout)
        return self.boot_output

    def stop(self) -> list[str]:
        """Ctrl-C; what it printed while stopping (AssertionError unless it exited 0)."""
        assert self.process is not None
        process, self.process = self.process, None
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=120)
        lines = out.splitlines()
        assert process.returncode == 0, lines
        return lines

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"
