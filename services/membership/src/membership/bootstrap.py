"""The composition root of membership."""

from __future__ import annotations

from pathlib import Path

from membership.service_layer.demo import load_demo_data
from shared.db.pool import create_pool
from shared.service import Service, ServiceSettings, build_service

NAME = "membership"
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


async def bootstrap(settings: ServiceSettings) -> Service:
    return await build_service(NAME, settings)


async def seed_demo(settings: ServiceSettings) -> None:
    """Load the demo data set; safe to run on every start."""
    pool = await create_pool(settings.database.url)
    try:
        joined = await load_demo_data(pool)
        print(f"demo data: {joined} members joined")
    finally:
        await pool.close()
