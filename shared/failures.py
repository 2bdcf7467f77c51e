"""Which failures are the message's own and which are the infrastructure's.

Only failures of the message itself (it does not decode or validate, or a handler's own rule refuses it)
count toward a consumer's attempt limit. Infrastructure failures (the database or broker unreachable, a
pool, statement or lock timeout, a serialization failure or deadlock, a server restarting) say nothing
about the message: it is retried without limit, with capped backoff, while its partition waits.
"""

from __future__ import annotations

import asyncpg
import httpx
from aiokafka import errors as kafka_errors

INFRASTRUCTURE: tuple[type[BaseException], ...] = (
    OSError,  # connection refused or reset, unreachable host
    TimeoutError,  # a pool acquire or any other awaited call timed out
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,  # the connection closed under us
    asyncpg.InternalClientError,
    asyncpg.TransactionRollbackError,  # serialization failure, deadlock
    asyncpg.OperatorInterventionError,  # statement timeout, cancelled, the server shutting down or starting
    asyncpg.InsufficientResourcesError,  # too many connections, disk full
    asyncpg.LockNotAvailableError,  # lock timeout
    kafka_errors.KafkaConnectionError,
    kafka_errors.KafkaTimeoutError,
    kafka_errors.RequestTimedOutError,
    kafka_errors.NodeNotReadyError,
    kafka_errors.NotLeaderForPartitionError,
    kafka_errors.LeaderNotAvailableError,
    httpx.TransportError,  # membership's key endpoint unreachable or too slow
)


def is_infrastructure(error: BaseException) -> bool:
    """True when `error` (or what caused it) is the infrastructure's, not the message's."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, INFRASTRUCTURE):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
