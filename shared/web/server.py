"""Running a service: uvicorn for HTTP plus the service's background workers, with an orderly stop.

Signals:
- SIGTERM / SIGINT: stop HTTP, let the workers finish (the outbox is flushed, consumers commit), exit.
- SIGUSR1: stop producing: HTTP stops and the service's background workers (matcher, e-mail sender…)
  stop, while consumers and the outbox relay keep running until SIGTERM; then, when
  `FELLOWSHIP_QUIESCED_FILE` names a file, it is written. The local stack uses it to stop every entry
  point and every producer first, waits for those files, then for outboxes and consumers to settle,
  before stopping anything else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Generator
from pathlib import Path
from typing import Protocol

import uvicorn
from litestar import Litestar
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)


ON_HTTP_STOP = "on_http_stop"  # app.state key: callables run when HTTP starts stopping
QUIESCED_FILE = "FELLOWSHIP_QUIESCED_FILE"  # written once SIGUSR1 has stopped every background worker


class HttpSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HTTP_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses (or networks) whose X-Forwarded-For / -Proto are believed, e.g. the gateway's;"
        " by default none: the client is whoever connected",
    )


def uvicorn_config(app: Litestar, settings: HttpSettings) -> uvicorn.Config:
    """uvicorn serving `app`, trusting forwarded headers only from the configured proxies."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=10,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies),
    )


class Workers(Protocol):
    """What runs beside HTTP: consumers, the outbox relay, background workers."""

    async def start(self) -> None: ...

    async def quiesce(self) -> None:
        """Stop everything that produces on its own (background workers); consumers and relay go on."""
        ...

    async def stop(self) -> None: ...


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: `serve` decides what each signal means."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def serve(app: Litestar, settings: HttpSettings, workers: Workers) -> None:
    """Start the workers, serve HTTP, and stop in order when signalled."""
    stop = asyncio.Event()
    server = _Server(uvicorn_config(app, settings))

    def stop_http() -> None:
        log.info("stopping HTTP")
        # End long-lived responses (event streams) first: uvicorn would otherwise wait out its graceful
        # timeout for them and then cut them off.
        for hook in app.state.get(ON_HTTP_STOP, ()):
            hook()
        server.should_exit = True

    def stop_all() -> None:
        stop_http()
        stop.set()

    quiescing: list[asyncio.Task[None]] = []

    def stop_producing() -> None:
        stop_http()
        if not quiescing:
            quiescing.append(asyncio.ensure_future(_quiesce(workers)))

    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop_all)
    loop.add_signal_handler(signal.SIGINT, stop_all)
    loop.add_signal_handler(signal.SIGUSR1, stop_producing)

    await workers.start()
    try:
        await server.serve()
        if not server.started:
            raise RuntimeError(f"HTTP server could not start on {settings.host}:{settings.port}")
        await stop.wait()
    finally:
        for task in quiescing:
            await task
        log.info("stopping workers")
        await workers.stop()


async def _quiesce(workers: Workers) -> None:
    await workers.quiesce()
    log.info("background workers stopped; consumers and the outbox relay go on")
    if path := os.environ.get(QUIESCED_FILE):
        await asyncio.to_thread(Path(path).write_text, "quiet\n")
