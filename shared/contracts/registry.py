"""Every payload model by (event_type, event_version): how a consumer finds the model for a message.

Filled from the model classes themselves: every concrete subclass of `MessageData` in the contract modules
is registered, so a new model cannot be forgotten. Two models claiming one (type, version) fail at import.
"""

from __future__ import annotations

import logging

from shared.contracts import community, events, matching, membership, notifications
from shared.contracts.envelope import MessageData

log = logging.getLogger(__name__)

CONTRACT_MODULES = (membership, events, matching, notifications, community)


def _concrete(base: type[MessageData]) -> list[type[MessageData]]:
    """Subclasses of `base` that name their own type (abstract bases such as `MemberMessage` do not)."""
    found = []
    for model in base.__subclasses__():
        if "event_type" in vars(model):
            found.append(model)
        found.extend(_concrete(model))
    return found


def _registry() -> dict[tuple[str, int], type[MessageData]]:
    registry: dict[tuple[str, int], type[MessageData]] = {}
    for model in _concrete(MessageData):
        key = (model.event_type, model.event_version)
        if key in registry and registry[key] is not model:
            raise TypeError(f"{model.__name__} and {registry[key].__name__} both claim {key[0]} v{key[1]}")
        registry[key] = model
    return registry


REGISTRY = _registry()


def carried_on(topic: str) -> str:
    """The message types a topic carries, in words (for AsyncAPI descriptions)."""
    names = sorted(_described(m) for m in REGISTRY.values() if m.topic == topic)
    described = "Envelopes of: " + ", ".join(names) if names else "Envelopes"
    if any(m.protected for m in REGISTRY.values() if m.topic == topic):
        described += (
            ". The fields listed as sealed travel as one `sealed` value, encrypted under the person's data key"
            " (shared/protection.py)"
        )
    return described


def _described(model: type[MessageData]) -> str:
    name = f"{model.event_type} v{model.event_version}"
    return f"{name} (sealed: {', '.join(sorted(model.protected))})" if model.protected else name


def model_for(event_type: str, event_version: int) -> type[MessageData] | None:
    """The payload model, or None (logged by name) for a type this code does not know: readers skip those,
    since producers may add types before readers know them."""
    model = REGISTRY.get((event_type, event_version))
    if model is None:
        log.info("message type not known here; skipped", extra={"event_type": event_type, "version": event_version})
    return model
