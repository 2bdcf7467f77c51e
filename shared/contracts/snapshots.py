"""Committed JSON-Schema snapshots of every payload model, and the rules for changing one.

A payload may change additively only: new optional fields. Removing a field, changing its schema,
or adding or dropping a required field breaks readers or writers on the other side and needs a new
event version (and, for a whole topic, a `…v2` topic).

`python -m shared.contracts.snapshots --write` records the current schemas (after review).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from shared.contracts.envelope import MessageData
from shared.contracts.registry import REGISTRY

SNAPSHOTS = Path(__file__).parent / "schemas"


def snapshot_path(model: type[MessageData]) -> Path:
    return SNAPSHOTS / f"{model.event_type}.v{model.event_version}.json"


def current_schema(model: type[MessageData]) -> dict[str, Any]:
    schema = model.model_json_schema(mode="serialization")
    schema["x-event-type"] = model.event_type
    schema["x-event-version"] = model.event_version
    schema["x-topic"] = str(model.topic)
    return schema


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What in `new` breaks a reader or writer built against `old` (empty when the change is additive)."""
    problems: list[str] = []
    for key in ("x-event-type", "x-event-version", "x-topic"):
        if old.get(key) != new.get(key):
            problems.append(f"{key} changed from {old.get(key)!r} to {new.get(key)!r}")
    old_props: dict[str, Any] = old.get("properties", {})
    new_props: dict[str, Any] = new.get("properties", {})
    for name, schema in old_props.items():
        if name not in new_props:
            problems.append(f"field {name!r} was removed")
        elif _shape(schema) != _shape(new_props[name]):
            problems.append(f"field {name!r} changed type: {_shape(schema)} -> {_shape(new_props[name])}")
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    problems += [f"field {name!r} became required" for name in sorted(new_required - old_required)]
    problems += [f"field {name!r} is no longer required" for name in sorted(old_required - new_required)]
    new_defs: dict[str, Any] = new.get("$defs", {})
    for name, definition in old.get("$defs", {}).items():
        if new_defs.get(name) != definition:
            problems.append(f"nested definition {name!r} changed or was removed")
    return problems


def _shape(schema: dict[str, Any]) -> dict[str, Any]:
    """The parts of a field's schema that decide what values it accepts (not titles or descriptions)."""
    ignored = {"title", "description", "default", "examples"}
    return {k: v for k, v in schema.items() if k not in ignored}


def write_snapshots() -> list[Path]:
    SNAPSHOTS.mkdir(exist_ok=True)
    written = []
    for model in REGISTRY.values():
        path = snapshot_path(model)
        path.write_text(json.dumps(current_schema(model), indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="record the current schemas as the snapshots")
    if parser.parse_args().write:
        for path in write_snapshots():
            print(f"wrote {path}")
