"""Matching's HTTP API: one controller per resource."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
