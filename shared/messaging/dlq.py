"""`fellowship-dlq`: list, show and replay the dead letters a service kept in its database.

    fellowship-dlq list   [--group G] [--topic T] [--since WHEN] [--all]
    fellowship-dlq show   ID
    fellowship-dlq replay [--group G] [--topic T] [--since WHEN] [--id ID ...] [--again]

It reads the service's database from `DATABASE_URL` and the broker from `KAFKA_BOOTSTRAP_SERVERS` (and
`KAFKA_PROFILE`), as the service does. `replay` publishes each dead letter again, with its key, value and
headers, to the topic it came from, and marks it replayed: every consumer's inbox drops what it has
already applied, so replaying is safe. WHEN is an ISO date or time (UTC unless it says otherwise) or an
age such as `30m`, `6h`, `2d`. Without `--all` (list) or `--again` (replay), replayed ones are left out.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import asyncpg
from aiokafka import AIOKafkaProducer

from shared.db.dead_letters import StoredDeadLetter, mark_replayed, select
from shared.db.pool import DatabaseSettings, create_pool
from shared.messaging.settings import KafkaSettings

_AGE = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """An ISO date/time (UTC when naive) or an age like `6h`; otherwise an error that says what is accepted."""
    if match := _AGE.match(text.strip()):
        return (now or datetime.now(UTC)) - timedelta(**{_UNITS[match[2]]: int(match[1])})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give an ISO date or time (2026-12-01T08:00) or an age (30m, 6h, 2d)"
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fellowship-dlq", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("list", "replay"):
        command = commands.add_parser(name)
        command.add_argument("--group", help="only this consumer group")
        command.add_argument("--topic", help="only dead letters that came from this topic")
        command.add_argument("--since", type=parse_since, help="only those dead since WHEN")
    commands.choices["list"].add_argument("--all", action="store_true", help="replayed ones too")
    commands.choices["replay"].add_argument("--id", type=int, action="append", dest="ids", help="only these (repeat)")
    commands.choices["replay"].add_argument("--again", action="store_true", help="replay already replayed ones too")
    commands.add_parser("show").add_argument("id", type=int)
    return parser


def _line(letter: StoredDeadLetter) -> str:
    replayed = f" replayed {letter.replayed_at:%Y-%m-%d %H:%M:%S}" if letter.replayed_at else ""
    where = f"{letter.topic}[{letter.partition}]@{letter.offset}"
    event = letter.headers.get("event_type", "?")
    return (
        f"{letter.id:>6}  {letter.dead_at:%Y-%m-%d %H:%M:%S}  {letter.consumer_group}  {where}  {event}"
        f"  attempts={letter.attempts}  {letter.error[:120]}{replayed}"
    )


def _detail(letter: StoredDeadLetter) -> str:
    value = "(none: a tombstone)" if letter.value is None else letter.value.decode(errors="replace")
    lines = [
        _line(letter),
        f"key: {None if letter.key is None else letter.key.decode(errors='replace')}",
        "headers:",
        *(f"  {name}: {text}" for name, text in sorted(letter.headers.items())),
        f"error: {letter.error}",
        f"value: {value}",
    ]
    return "\n".join(lines)


async def _replay(pool: asyncpg.Pool, kafka: KafkaSettings, letters: list[StoredDeadLetter]) -> int:
    if not letters:
        return 0
    producer = AIOKafkaProducer(**kafka.producer_options())
    await producer.start()
    try:
        for letter in letters:
            headers = [(name, text.encode()) for name, text in letter.headers.items()]
            await producer.send_and_wait(letter.topic, letter.value, key=letter.key, headers=headers)
            async with pool.acquire() as conn:
                await mark_replayed(conn, [letter.id])
            print(f"replayed {letter.id} to {letter.topic}")
    finally:
        await producer.stop()
    return len(letters)


async def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    database = DatabaseSettings()
    pool = await create_pool(database.url, max_size=2, settings=database)
    try:
        async with pool.acquire() as conn:
            if args.command == "show":
                found = await select(conn, ids=[args.id])
                if not found:
                    print(f"no dead letter {args.id}", file=sys.stderr)
                    return 1
                print(_detail(found[0]))
                return 0
            include_replayed = args.all if args.command == "list" else args.again
            letters = await select(
                conn,
                group=args.group,
                topic=args.topic,
                since=args.since,
                ids=getattr(args, "ids", None),
                include_replayed=include_replayed,
            )
        if args.command == "list":
            for letter in letters:
                print(_line(letter))
            print(f"{len(letters)} dead letter(s)")
            return 0
        replayed = await _replay(pool, KafkaSettings(), letters)
        print(f"{replayed} dead letter(s) replayed")
        return 0
    finally:
        await pool.close()


def main() -> None:
    raise SystemExit(asyncio.run(run()))


if __name__ == "__main__":
    main()
