"""SQL for the score weights an association's admin chose; an association without any uses the defaults.

Stored as one JSON object per association with the fields of `matching.domain.scoring.Weights`.
"""

from __future__ import annotations

from dataclasses import asdict
from uuid import UUID

import asyncpg

from matching.domain.scoring import Weights


async def stored_weights(conn: asyncpg.Connection, association_id: UUID) -> Weights | None:
    """The association's own weights; None when it uses the defaults."""
    stored: dict[str, int] | None = await conn.fetchval(
        "SELECT weights FROM association_weights WHERE association_id = $1", association_id
    )
    return None if stored is None else Weights(**stored)


async def weights_for(conn: asyncpg.Connection, association_id: UUID) -> Weights:
    """The weights the scorer uses for the association's requests."""
    return await stored_weights(conn, association_id) or Weights()


async def all_stored_weights(conn: asyncpg.Connection) -> dict[UUID, Weights]:
    """Every association's own weights (associations not listed use the defaults)."""
    rows = await conn.fetch("SELECT association_id, weights FROM association_weights")
    return {row["association_id"]: Weights(**row["weights"]) for row in rows}


async def store_weights(conn: asyncpg.Connection, association_id: UUID, weights: Weights) -> None:
    await conn.execute(
        "INSERT INTO association_weights (association_id, weights) VALUES ($1, $2)"
        " ON CONFLICT (association_id) DO UPDATE SET weights = EXCLUDED.weights, updated_at = now()",
        association_id,
        asdict(weights),
    )
