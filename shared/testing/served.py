"""An ASGI app under a real uvicorn server on a free 127.0.0.1 port, in the test's own event loop: real
sockets, so streams really stream and cookies really travel."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import uvicorn

from shared.embedded import free_port


@contextlib.asynccontextmanager
async def served(app: Any) -> AsyncIterator[str]:
    """The base URL of `app` served until the block ends (then the server stops, within 2 s)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on", timeout_graceful_shutdown=2)
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises what stopped it, if anything
            raise RuntimeError(f"uvicorn did not start on 127.0.0.1:{port}")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
