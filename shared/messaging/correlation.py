"""Correlation and causation ids that follow a piece of work from an HTTP request into messages and on.

The HTTP middleware and the consumer middleware set them; `new_envelope` callers read them here.
"""

from __future__ import annotations

from contextvars import ContextVar
from uuid import uuid4

correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)
causation_id_var: ContextVar[str | None] = ContextVar("causation_id", default=None)


def current_ids() -> tuple[str, str | None]:
    """(correlation id, causation id) for a message written now; a fresh correlation id if none is set."""
    return correlation_id_var.get() or str(uuid4()), causation_id_var.get()


def bind(correlation_id: str | None, causation_id: str | None) -> None:
    """Set both ids for the current task (each asyncio task has its own copy)."""
    correlation_id_var.set(correlation_id)
    causation_id_var.set(causation_id)
