"""An HTTP client of a service's real app, as its `bootstrap` built it, in the test's own event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from shared.service import Service


@asynccontextmanager
async def service_client(service: Service[Any]) -> AsyncIterator[httpx.AsyncClient]:
    """A client that calls `service.app` in this event loop (so the app and the test share the pool); the
    pool is closed afterwards. Workers are not started: a test that needs them starts them itself."""
    transport = httpx.ASGITransport(app=service.app)  # type: ignore[arg-type]  # Litestar is ASGI; its typing is narrower
    try:
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{service.name}") as client:
            yield client
    finally:
        if service.dependencies.pool is not None:
            await service.dependencies.pool.close()
