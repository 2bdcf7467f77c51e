"""Use cases of an association's admin: the score weights its matching uses, and how its matching goes.

Only an admin of the association (a role in the access token) may read or change either.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import asyncpg

from matching.adapters import stats, weights
from matching.adapters.stats import Statistics
from matching.domain.scoring import Weights
from shared.web.auth import Principal

STATISTICS_WINDOW = timedelta(days=90)


def require_admin(caller: Principal, association_id: UUID) -> None:
    caller.require_role(association_id, "admin", to="see or change its matching")


async def current_weights(pool: asyncpg.Pool, caller: Principal, association_id: UUID) -> tuple[Weights, bool]:
    """The weights in use, and whether they are the defaults."""
    require_admin(caller, association_id)
    async with pool.acquire() as conn:
        stored = await weights.stored_weights(conn, association_id)
    return (Weights(), True) if stored is None else (stored, False)


async def change_weights(pool: asyncpg.Pool, caller: Principal, association_id: UUID, chosen: Weights) -> Weights:
    """Replace the association's weights (all five at once); the next solve uses them."""
    require_admin(caller, association_id)
    async with pool.acquire() as conn:
        await weights.store_weights(conn, association_id, chosen)
    return chosen


async def statistics(pool: asyncpg.Pool, caller: Principal, association_id: UUID) -> Statistics:
    require_admin(caller, association_id)
    async with pool.acquire() as conn:
        return await stats.statistics(conn, association_id, STATISTICS_WINDOW)
