"""Each service's AsyncAPI document, generated from its `ServiceSpec` without I/O.

`fellowship-asyncapi write` writes `services/<name>/asyncapi.yaml` for every service that consumes or
publishes messages (the gateway only consumes membership's facts about people's sessions and roles);
`fellowship-asyncapi check` fails when a committed document differs from the code. The channels are the subscribers and the topics the spec publishes to; every
payload is the `Envelope`, and each channel's description lists the message types it carries
(`shared.contracts.registry.carried_on`).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

from faststream.specification import AsyncAPI

from shared.messaging.settings import KafkaSettings

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("membership", "events", "matching", "notifications", "community", "gateway")
VERSION = "0.1.0"


def document(service: str) -> str:
    """The service's AsyncAPI 3.0 document as YAML."""
    spec = importlib.import_module(f"{service}.bootstrap").SPEC
    # Fixed broker settings: the document describes production (Apache Kafka), whatever this shell has set.
    broker = spec.broker(KafkaSettings(bootstrap_servers="kafka:9092", profile="kafka"))
    asyncapi = AsyncAPI(broker, title=f"Fellowship {spec.name}", version=VERSION, description=spec.description)
    return _stable(asyncapi.to_specification().to_jsonable())


def _stable(spec: dict[str, Any]) -> str:
    """YAML with the named maps (channels, operations, messages, schemas) in name order: FastStream keeps
    subscribers in an order that can differ between runs."""
    for container, key in ((spec, "channels"), (spec, "operations")):
        if key in container:
            container[key] = dict(sorted(container[key].items()))
    components = spec.get("components", {})
    for key in ("messages", "schemas"):
        if key in components:
            components[key] = dict(sorted(components[key].items()))
    import yaml  # a development tool: PyYAML is a dev dependency, not in the service images

    text: str = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=100)
    return text


def path_of(service: str) -> Path:
    return ROOT / "services" / service / "asyncapi.yaml"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fellowship-asyncapi", description=__doc__)
    parser.add_argument("command", choices=["write", "check"])
    args = parser.parse_args(argv)
    stale = []
    for service in SERVICES:
        text, path = document(service), path_of(service)
        if args.command == "write":
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
        elif not path.is_file() or path.read_text() != text:
            stale.append(str(path.relative_to(ROOT)))
    if stale:
        sys.exit(f"out of date (run `make asyncapi`): {', '.join(stale)}")


if __name__ == "__main__":
    main()
