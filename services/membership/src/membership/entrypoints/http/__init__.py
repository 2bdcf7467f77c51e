"""Membership's HTTP API: one controller per resource."""

from __future__ import annotations

from typing import Any

from membership.entrypoints.http.auth import AuthController, JwksController

ROUTES: list[Any] = [AuthController, JwksController]
