"""Litestar pieces every service uses: app factory, health and readiness, metrics, errors, JWT, serving."""

from shared.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from shared.web.app import create_app
from shared.web.auth import JwtSettings, JwtValidator, Principal
from shared.web.server import HttpSettings, serve

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "HttpSettings",
    "InvalidInput",
    "JwtSettings",
    "JwtValidator",
    "NotFound",
    "Principal",
    "create_app",
    "serve",
]
