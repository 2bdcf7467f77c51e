"""Errors as people meet them: pages in their language (sign in again, not found, not available now), and
JSON for the `/api` proxy. Never a stack trace; every unexpected error is logged with its correlation id."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Redirect, Template

from gateway import i18n
from gateway.entrypoints.http.middleware import RETRY_AFTER_SECONDS, not_available_words
from gateway.entrypoints.http.pages import AnyRequest, render
from gateway.service_layer.tokens import SignInAgain
from shared.errors import Unavailable
from shared.failures import is_infrastructure
from shared.web.errors import domain_error_handler, http_error_handler, internal_error_handler

log = logging.getLogger(__name__)


def _api(request: AnyRequest) -> bool:
    return request.url.path.startswith("/api/")


def _page(request: AnyRequest, status: int, title: str, message: str) -> Template:
    return render(request, "error.html", title=title, status=status, message=message)


def sign_in_again(request: AnyRequest, exc: SignInAgain) -> Response[Any]:
    log.info("sign in again", extra={"reason": exc.detail, "path": request.url.path})
    if _api(request):
        return domain_error_handler(request, exc)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"/sign-in?next={target}" if request.method == "GET" else "/sign-in"
    if request.headers.get("hx-request"):
        return Response(None, status_code=200, headers={"HX-Redirect": location})
    return Redirect(location, status_code=303)


def unavailable(request: AnyRequest, exc: Unavailable) -> Response[Any]:
    log.warning("an upstream did not answer", extra={"detail": exc.detail})
    if _api(request):
        return domain_error_handler(request, exc)
    return _not_available_page(request)


def _not_available_page(request: AnyRequest) -> Response[Any]:
    page = _page(request, 503, *not_available_words())
    page.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return page


def not_found(request: AnyRequest, exc: Exception) -> Response[Any]:
    if _api(request):
        return Response({"status_code": 404, "detail": "not found"}, status_code=404)
    return _page(
        request,
        404,
        i18n.gettext("Page not found"),
        i18n.gettext(
            "If you typed the web address, check it is correct. If you followed a link, it may be out of date."
        ),
    )


def http_error(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    if _api(request) or exc.status_code >= 500:
        return http_error_handler(request, exc)
    if isinstance(exc, NotFoundException) or (isinstance(exc, ValidationException) and request.method == "GET"):
        return not_found(request, exc)
    return _page(
        request,
        exc.status_code,
        i18n.gettext("Sorry, we could not do that"),
        i18n.gettext("Something in the request was not right. Go back, reload the page and try again."),
    )


def internal_error(request: AnyRequest, exc: Exception) -> Response[Any]:
    if _api(request):
        return internal_error_handler(request, exc)
    if is_infrastructure(exc):  # the gateway's own database is unreachable: nothing the person did
        log.warning("the gateway's database did not answer", extra={"path": request.url.path, "error": repr(exc)})
        return _not_available_page(request)
    log.exception("a page failed", exc_info=exc)
    return _page(
        request,
        500,
        i18n.gettext("Sorry, something went wrong on our side"),
        i18n.gettext("Nothing you entered before this page is lost. Please try again in a few minutes."),
    )


PAGE_EXCEPTION_HANDLERS: dict[Any, Any] = {
    SignInAgain: sign_in_again,
    Unavailable: unavailable,
    HTTPException: http_error,
    Exception: internal_error,
}
