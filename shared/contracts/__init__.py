"""The only coupling between services: the message envelope, the topic registry and versioned payloads."""

from shared.contracts.envelope import Envelope, MessageData, new_envelope
from shared.contracts.registry import REGISTRY, model_for
from shared.contracts.topics import Topic

__all__ = ["REGISTRY", "Envelope", "MessageData", "Topic", "model_for", "new_envelope"]
