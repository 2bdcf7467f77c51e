"""`/health` says the process is alive; `/ready` says its database and broker answer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from litestar import Controller, Response, get
from litestar.datastructures import State

ReadinessCheck = Callable[[], Awaitable[object]]


async def _run(check: ReadinessCheck, timeout: float) -> str:
    try:
        await asyncio.wait_for(check(), timeout)
    except Exception as error:  # any failure means "not ready"; the reason goes in the body
        return f"failing: {type(error).__name__}: {error}"[:300]
    return "ok"


class HealthController(Controller):
    path = ""
    include_in_schema = False

    @get("/health", operation_id="health", sync_to_thread=False)
    def health(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/ready", operation_id="ready")
    async def ready(self, state: State) -> Response[dict[str, Any]]:
        checks: Mapping[str, ReadinessCheck] = state.readiness_checks
        results = dict(zip(checks, await asyncio.gather(*(_run(c, 2.0) for c in checks.values())), strict=True))
        ok = all(r == "ok" for r in results.values())
        return Response({"status": "ready" if ok else "not ready", "checks": results}, status_code=200 if ok else 503)
