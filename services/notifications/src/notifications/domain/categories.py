"""What a message is about (its category) and how it reaches a person (its channel).

Preferences are kept per category × channel; a missing preference means on.
"""

from __future__ import annotations

from typing import Literal, TypeGuard, get_args

Category = Literal["account", "matching", "conferences", "community"]
Channel = Literal["email", "inbox"]

CATEGORIES: tuple[Category, ...] = get_args(Category)
CHANNELS: tuple[Channel, ...] = get_args(Channel)


def is_category(value: str) -> TypeGuard[Category]:
    return value in CATEGORIES


def is_channel(value: str) -> TypeGuard[Channel]:
    return value in CHANNELS
