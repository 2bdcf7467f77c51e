"""Waiting in tests for something that happens asynchronously (a message consumed, a row written)."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], T | Awaitable[T]],
    *,
    until: Callable[[T], Any] = bool,
    timeout: float = 30.0,
    interval: float = 0.05,
    what: str = "the condition",
) -> T:
    """Call `probe` (plain or async) until `until(value)` holds and return that value; AssertionError naming
    `what` and the last value once `timeout` seconds passed. Sync tests call it through `asyncio.run`."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if inspect.isawaitable(value):
            value = await value
        if until(value):  # type: ignore[arg-type]
            return value  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s (last seen: {value!r})"[:2000])
        await asyncio.sleep(interval)
