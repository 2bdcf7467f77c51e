"""A local SMTP sink: accepts every message and keeps it as an .eml file under a folder.

`python -m shared.embedded.smtp_sink --port 1025 --dir .data/mail`
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class MaildirHandler:
    """Writes each accepted message to `<dir>/<UTC time>-<id>.eml`, atomically (tmp file, then rename)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.directory / f"{stamp}-{uuid4().hex[:8]}.eml"
        content: Any = envelope.original_content or envelope.content or b""
        data = content if isinstance(content, bytes) else str(content).encode()
        header = f"X-Envelope-From: {envelope.mail_from}\r\nX-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(header.encode() + data)
        tmp.rename(target)
        return "250 Message accepted for delivery"


def start_sink(directory: Path, port: int, host: str = "127.0.0.1") -> Controller:
    """Start the sink in a background thread; call `.stop()` on the result."""
    controller = Controller(MaildirHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


async def _main(directory: Path, port: int) -> None:
    controller = start_sink(directory, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    controller.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Local SMTP sink keeping messages as files")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", type=Path, default=Path(".data/mail"))
    args = parser.parse_args()
    asyncio.run(_main(args.dir, args.port))
