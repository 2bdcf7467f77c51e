"""`fellowship-relay`: an outbox relay as a process of its own.

Services run their relay in-process; this command runs one alone (a deployment can scale it apart
from HTTP, and the reliability tests kill it at random points). Stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import signal

from shared.db.outbox import OutboxRelay
from shared.db.pool import DatabaseSettings, create_pool
from shared.messaging.settings import KafkaSettings
from shared.observability import configure_logging


async def run_relay(database: DatabaseSettings, kafka: KafkaSettings) -> None:
    pool = await create_pool(database.url, min_size=1, max_size=3, settings=database)
    relay = OutboxRelay(pool, kafka.producer_options())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await relay.start()
    try:
        await stop.wait()
    finally:
        await relay.stop()
        await pool.close()


def main() -> None:
    configure_logging("outbox-relay")
    database = DatabaseSettings()
    if database.application_name == DatabaseSettings.model_fields["application_name"].default:
        database = database.model_copy(update={"application_name": "fellowship-relay"})
    asyncio.run(run_relay(database, KafkaSettings()))


if __name__ == "__main__":
    main()
