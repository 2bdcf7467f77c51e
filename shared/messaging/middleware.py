"""Consumer middleware that binds the correlation and causation ids of the message being handled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from faststream import BaseMiddleware
from faststream.message import StreamMessage

from shared.messaging import correlation


class CorrelationMiddleware(BaseMiddleware):
    """Messages written while handling this one carry its correlation id, and its event id as causation."""

    async def consume_scope(self, call_next: Callable[[Any], Awaitable[Any]], msg: StreamMessage[Any]) -> Any:
        headers = msg.headers
        correlation.bind(headers.get("correlation_id"), headers.get("event_id"))
        return await call_next(msg)
