"""Every error is JSON with a human `message` (Spring style, as the SDK expects)."""

import logging
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from eventsourcing.persistence import OperationalError
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from api.time import format_time
from application.accounts.application import AuthenticationFailed
from application.tracking.group_commit import IngestionOverloaded
from domain.errors import Conflict, DomainError, InvalidInput, NotAllowed

log = logging.getLogger(__name__)


class NotFound(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(Exception):
    def __init__(self, message: str = "Authentication required") -> None:
        super().__init__(message)
        self.message = message


class RateLimited(Exception):
    def __init__(self, retry_after: int, message: str) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.message = message


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response[Any]:
    body = {
        "timestamp": format_time(datetime.now(UTC)),
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
    }
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def _http_exception(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    message = exc.detail or HTTPStatus(status).phrase
    if isinstance(exc, ValidationException):
        extra = exc.extra if isinstance(exc.extra, list) else []
        details = "; ".join(f"{e.get('key')}: {e.get('message')}" for e in extra if isinstance(e, dict))
        message = f"Invalid request: {details}" if details else "Invalid request"
        status = 400
    elif status == 413:
        # Bad input is a 400 with a message everywhere in this API.
        status, message = 400, "Request body is too large"
    elif status == 404 and message == "Not Found":
        message = "No such resource"
    return error_response(status, message, headers=getattr(exc, "headers", None))


def _domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if isinstance(exc, InvalidInput):
        return error_response(400, exc.message)
    if isinstance(exc, Conflict):
        return error_response(409, exc.message)
    if isinstance(exc, NotAllowed):
        return error_response(403, exc.message)
    return error_response(400, exc.message)


def _not_found(_: Request[Any, Any, Any], exc: NotFound) -> Response[Any]:
    return error_response(404, exc.message)


def _unauthorized(_: Request[Any, Any, Any], exc: Unauthorized) -> Response[Any]:
    return error_response(401, exc.message, headers={"WWW-Authenticate": "Bearer"})


def _login_failed(_: Request[Any, Any, Any], __: AuthenticationFailed) -> Response[Any]:
    return error_response(401, "Invalid email or password")


def _overloaded(_: Request[Any, Any, Any], __: Exception) -> Response[Any]:
    return error_response(503, "Dregs is busy; retry shortly", headers={"Retry-After": "1"})


def _rate_limited(_: Request[Any, Any, Any], exc: RateLimited) -> Response[Any]:
    return error_response(429, exc.message, headers={"Retry-After": str(exc.retry_after)})


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Internal server error")


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    HTTPException: _http_exception,
    DomainError: _domain_error,
    NotFound: _not_found,
    Unauthorized: _unauthorized,
    AuthenticationFailed: _login_failed,
    RateLimited: _rate_limited,
    IngestionOverloaded: _overloaded,
    OperationalError: _overloaded,
    TimeoutError: _overloaded,
    Exception: _unexpected,
}
