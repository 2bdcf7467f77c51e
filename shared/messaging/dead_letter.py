"""Retries with backoff, then, for the message's own failures only, the group's dead-letter topic.

A handler that raises is retried in place (so order within the partition holds):
- an infrastructure failure (`shared.failures`: the database or broker unreachable, a timeout,
  a serialization failure) is retried without limit, with capped backoff, while the partition waits; it
  never uses up an attempt, so an outage dead-letters nothing;
- any other failure counts: after `max_attempts` the raw record goes to `<topic>.<group>.dlq` with
  headers naming where it came from and why it failed, and the offset is committed;
- a message that does not decode or validate goes there at once: retrying cannot fix it.
So a poison message holds its partition for at most the retry budget.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiokafka import ConsumerRecord
from faststream import BaseMiddleware
from prometheus_client import Counter
from pydantic import ValidationError

from shared.contracts.topics import dead_letter_topic
from shared.db.dead_letters import DeadLetter
from shared.failures import is_infrastructure

if TYPE_CHECKING:
    from faststream._internal.context.repository import ContextRepo
    from faststream.message import StreamMessage

log = logging.getLogger(__name__)

# Failures no retry can mend: the bytes are not a message we understand.
UNREADABLE: tuple[type[BaseException], ...] = (ValidationError, json.JSONDecodeError, UnicodeDecodeError)

INFRASTRUCTURE_RETRIES = Counter(
    "consumer_infrastructure_retries_total", "Handler runs retried because the infrastructure failed (not counted)"
)

PublishRaw = Callable[[str, bytes | None, bytes | None, dict[str, str]], Awaitable[None]]
KeepDeadLetter = Callable[[DeadLetter], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_ms: int = 200
    backoff_max_ms: int = 5_000

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based): capped exponential, jittered."""
        ceiling = min(self.backoff_max_ms, self.backoff_ms * 2 ** (attempt - 1))
        return float(ceiling * random.uniform(0.5, 1.0) / 1000)

    def outage_delay(self, retry: int) -> float:
        """Seconds to wait before retry number `retry` after an infrastructure failure: capped, jittered."""
        return self.delay(min(retry, 32))

    def budget(self) -> float:
        """The longest a message can hold its partition, in seconds (handler time aside)."""
        return float(sum(min(self.backoff_max_ms, self.backoff_ms * 2**i) for i in range(self.max_attempts - 1)) / 1000)


class DeadLetters:
    """Broker middleware factory. `bind` it to the broker whose producer publishes the dead letters."""

    def __init__(self, policy: RetryPolicy, *, keep: KeepDeadLetter | None = None) -> None:
        self.policy = policy
        self.keep = keep  # the durable record in the service's database, before the topic
        self._publish: PublishRaw | None = None

    def bind(self, publish: PublishRaw) -> None:
        self._publish = publish

    def __call__(self, msg: Any, /, *, context: ContextRepo) -> _DeadLetterScope:
        return _DeadLetterScope(msg, context=context, owner=self)

    async def send(self, record: ConsumerRecord[bytes, bytes], group: str, error: BaseException, attempts: int) -> None:
        """Keep the raw record in the database (when a store is given), then publish it to the group's
        dead-letter topic; raises if either refuses it, so the message is read again, not lost."""
        if self._publish is None:
            raise RuntimeError("DeadLetters is not bound to a broker")
        original = {name: value.decode(errors="replace") for name, value in (record.headers or ())}
        reason = f"{type(error).__name__}: {error}"[:2000]
        if self.keep is not None:
            await self.keep(
                DeadLetter(
                    group,
                    record.topic,
                    record.partition,
                    record.offset,
                    record.key,
                    record.value,
                    original,
                    reason,
                    attempts,
                )
            )
        headers = dict(original)
        headers.update(
            {
                "dlq-original-topic": record.topic,
                "dlq-original-partition": str(record.partition),
                "dlq-original-offset": str(record.offset),
                "dlq-group": group,
                "dlq-error": reason,
                "dlq-attempts": str(attempts),
            }
        )
        topic = dead_letter_topic(record.topic, group)
        await self._publish(topic, record.key, record.value, headers)
        log.warning(
            "message dead-lettered",
            extra={
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "dead_letter_topic": topic,
                "attempts": attempts,
                "error": type(error).__name__,
            },
        )


class _DeadLetterScope(BaseMiddleware):
    def __init__(self, msg: Any, /, *, context: ContextRepo, owner: DeadLetters) -> None:
        super().__init__(msg, context=context)
        self.owner = owner
        self.handled = False

    def _group(self) -> str:
        group: str | None = getattr(self.context.get_local("handler_"), "group_id", None)
        if not group:
            raise RuntimeError("every subscriber needs a group_id to have a dead-letter topic")
        return group

    async def consume_scope(self, call_next: Callable[[Any], Awaitable[Any]], msg: StreamMessage[Any]) -> Any:
        policy = self.owner.policy
        attempt = outage = 0
        while True:
            try:
                return await call_next(msg)
            except UNREADABLE as error:
                await self._dead_letter(msg.raw_message, error, attempt + 1)
                return None
            except Exception as error:
                if is_infrastructure(error):
                    outage += 1
                    INFRASTRUCTURE_RETRIES.inc()
                    log.warning(
                        "infrastructure unavailable; the message waits", extra={"retry": outage, "error": repr(error)}
                    )
                    await asyncio.sleep(policy.outage_delay(outage))
                    continue
                attempt += 1
                if attempt >= policy.max_attempts:
                    await self._dead_letter(msg.raw_message, error, attempt)
                    return None
                log.warning("handler failed, retrying", extra={"attempt": attempt, "error": repr(error)})
                await asyncio.sleep(policy.delay(attempt))

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], error: BaseException, attempts: int) -> None:
        await self.owner.send(record, self._group(), error, attempts)
        self.handled = True

    async def after_processed(
        self,
        exc_type: type[BaseException] | None = None,
        exc_val: BaseException | None = None,
        exc_tb: TracebackType | None = None,
    ) -> bool | None:
        """Bytes that fail in the parser or decoder never reach consume_scope: dead-letter them here."""
        if exc_val is None or self.handled or not isinstance(exc_val, UNREADABLE):
            return False
        if not isinstance(self.msg, ConsumerRecord):
            return False
        await self._dead_letter(self.msg, exc_val, 1)
        return True
