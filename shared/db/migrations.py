"""Plain SQL migrations applied with yoyo: the shared outbox/inbox tables first, then the service's own.

Every service database gets `shared/db/migrations/*.sql`; each service adds `services/<name>/migrations`.
yoyo takes a lock in the database, so several replicas starting at once apply each migration once.
"""

from __future__ import annotations

from pathlib import Path

from yoyo import get_backend, read_migrations

SHARED_MIGRATIONS = Path(__file__).parent / "migrations"


def _yoyo_url(url: str) -> str:
    # yoyo picks the driver from the scheme; we use psycopg 3, asyncpg being async-only.
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def apply_migrations(url: str, *service_dirs: Path) -> int:
    """Apply every pending migration; returns how many were applied."""
    backend = get_backend(_yoyo_url(url))
    migrations = read_migrations(str(SHARED_MIGRATIONS), *(str(d) for d in service_dirs))
    try:
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
    finally:
        backend.connection.close()  # not left to the garbage collector: a template database needs no sessions
    return len(pending)
