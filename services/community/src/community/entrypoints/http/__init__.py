"""Community's HTTP API: one controller per resource."""

from __future__ import annotations

from typing import Any

from community.entrypoints.http.stories import StoryController

ROUTES: list[Any] = [StoryController]
