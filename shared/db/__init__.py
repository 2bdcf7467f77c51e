"""Data access shared by services: asyncpg pools, migrations, the transactional outbox and the inbox."""

from shared.db.inbox import apply_once, record_once
from shared.db.outbox import enqueue
from shared.db.pool import DatabaseSettings, create_pool

__all__ = ["DatabaseSettings", "apply_once", "create_pool", "enqueue", "record_once"]
