"""One mapping from the errors of `shared.errors` to HTTP statuses, with messages that say what to fix.

Errors a user can cause answer 4xx with a clear `detail`; anything else is logged with the
correlation id and answers 500 without internals.
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ExceptionHandlersMap

from shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyRequests,
    Unauthorized,
    Unavailable,
)
from shared.failures import is_infrastructure
from shared.messaging import correlation

log = logging.getLogger(__name__)


STATUS_OF: dict[type[DomainError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    Unauthorized: 401,
    TooManyRequests: 429,
    Unavailable: 503,
}


def status_of(error: DomainError) -> int:
    """The status of the nearest kind of error in `error`'s ancestry (400 for a bare DomainError)."""
    for kind in type(error).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]  # type: ignore[index]
    return 400


def _body(status: int, detail: str, extra: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status_code": status, "detail": detail}
    if extra:
        body["extra"] = extra
    if cid := correlation.correlation_id_var.get():
        body["correlation_id"] = cid
    return body


def domain_error_handler(_: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    headers = {"WWW-Authenticate": "Bearer", **exc.headers} if isinstance(exc, Unauthorized) else exc.headers
    status = status_of(exc)
    return Response(
        _body(status, exc.detail, exc.extra),
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    extra = exc.extra if isinstance(exc, ValidationException) else None
    return Response(
        _body(exc.status_code, exc.detail, extra),
        status_code=exc.status_code,
        media_type=MediaType.JSON,
        headers=exc.headers,
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    if is_infrastructure(exc):  # the database or broker is unreachable: nothing the caller did, try again soon
        log.warning("infrastructure unavailable", extra={"path": request.url.path, "error": repr(exc)})
        return Response(
            _body(503, "the service cannot reach its database or broker right now; try again in a few seconds"),
            status_code=503,
            media_type=MediaType.JSON,
            headers={"Retry-After": "5"},
        )
    log.exception("unhandled error", extra={"path": request.url.path, "method": request.method})
    status = HTTP_500_INTERNAL_SERVER_ERROR
    return Response(
        _body(status, "Internal server error; quote the correlation id when reporting it."),
        status_code=status,
        media_type=MediaType.JSON,
    )


def unstorable_text_handler(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """PostgreSQL text cannot hold NUL characters; whatever field carried one, the caller can fix it."""
    return Response(
        _body(400, "text fields must not contain NUL (\\u0000) characters"),
        status_code=400,
        media_type=MediaType.JSON,
    )


def malformed_input_handler(_: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    """Input no handler can use, whatever route it reached: bytes that are not UTF-8, JSON nested deeper
    than any body we take, a number beyond what we store (64 bits)."""
    if isinstance(exc, UnicodeDecodeError):
        detail = "the request body is not valid UTF-8 text; send JSON encoded in UTF-8"
    elif isinstance(exc, RecursionError):
        detail = "the request body is nested too deeply; no field takes more than a few levels"
    elif isinstance(exc, asyncpg.DataError) and not isinstance(exc, asyncpg.NumericValueOutOfRangeError):
        detail = "a value in the request cannot be stored as given; check the numbers and dates it holds"
    else:
        detail = "a number in the request is out of range; whole numbers must fit in 64 bits"
    return Response(_body(400, detail), status_code=400, media_type=MediaType.JSON)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    DomainError: domain_error_handler,
    asyncpg.CharacterNotInRepertoireError: unstorable_text_handler,
    asyncpg.UntranslatableCharacterError: unstorable_text_handler,
    UnicodeDecodeError: malformed_input_handler,
    RecursionError: malformed_input_handler,
    OverflowError: malformed_input_handler,
    asyncpg.NumericValueOutOfRangeError: malformed_input_handler,
    asyncpg.DataError: malformed_input_handler,  # a value the database cannot take (out of range, malformed)
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}
