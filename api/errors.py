"""Every error is JSON with a human `message` (Spring style, as the SDK expects)."""

import logging
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

import msgspec
from eventsourcing.persistence import OperationalError
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Redirect
from litestar.typing import FieldDefinition
from sqlalchemy import exc as sa_exc

from api.http import PATTERN_RULES
from api.time import format_time
from application.accounts.application import AuthenticationFailed, LinkNotFound
from application.tracking.group_commit import IngestionOverloaded
from domain.errors import Conflict, DomainError, InvalidInput, NotAllowed, OverLimit

log = logging.getLogger(__name__)


class NotFound(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unauthorized(Exception):
    def __init__(self, message: str = "Authentication required") -> None:
        super().__init__(message)
        self.message = message


class SignInFirst(Exception):
    """A dashboard page without a live session: the browser is sent to the sign-in page, and back after."""


class RateLimited(Exception):
    def __init__(self, retry_after: int, message: str) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.message = message


class ErrorOut(msgspec.Struct):
    """Every error's body (contract §2.2): the SDK shows `message`."""

    timestamp: str
    status: int
    error: str
    message: str


_MEANINGS = {
    400: "Bad input: the message says what to change",
    401: "No usable credential: missing, unknown, disabled or revoked key, or an expired session",
    402: "Over one of the team's limits (events this month, identities, members, rules, channels)",
    403: "The credential may not do this (a public key outside POST /api/events, or a role without the right)",
    404: "No such resource in the caller's team",
    409: "It exists already",
    429: "Over a rate limit: retry after the seconds in Retry-After",
    503: "Busy: retry after the seconds in Retry-After",
}


def responses(*codes: int) -> dict[int, ResponseSpec]:
    """The error answers a route can give, for its OpenAPI description."""
    return {
        code: ResponseSpec(data_container=ErrorOut, description=_MEANINGS[code], generate_examples=False)
        for code in (*codes, 503)
    }


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response[Any]:
    body = {
        "timestamp": format_time(datetime.now(UTC)),
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
    }
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def _parameters(request: Request[Any, Any, Any]) -> dict[str, FieldDefinition]:
    """Every parameter the route reads, its own and its dependencies', by Python name."""
    handler = request.route_handler
    found = dict(handler.parsed_fn_signature.parameters)
    for dependency in handler.resolve_dependencies().values():
        found.update(dependency.parsed_fn_signature.parameters)
    return found


def _bound(kwarg: Any) -> str | None:
    ge, le = getattr(kwarg, "ge", None), getattr(kwarg, "le", None)
    if ge is not None and le is not None:
        return f"must be between {ge} and {le}"
    if ge is not None:
        return f"must be {ge} or more"
    if le is not None:
        return f"must be {le} or less"
    return None


def _parameter_message(request: Request[Any, Any, Any], error: dict[str, Any]) -> str:
    """A broken bound of a query or path parameter, in words, naming the parameter as it is sent."""
    key, problem = str(error.get("key")), str(error.get("message"))
    field = _parameters(request).get(key)
    kwarg = field.kwarg_definition if field is not None else None
    name = getattr(kwarg, "name", None) or key
    if problem.startswith("Expected `int`, got"):
        return f"{name} must be a whole number"
    if "matching regex" in problem and getattr(kwarg, "pattern", None) in PATTERN_RULES:
        return f"{name} {PATTERN_RULES[kwarg.pattern]}"  # type: ignore[union-attr]
    if "of length" in problem and getattr(kwarg, "max_length", None) is not None:
        return f"{name} must be at most {kwarg.max_length} characters long"  # type: ignore[union-attr]
    bound = _bound(kwarg)
    if bound is not None and problem.startswith("Expected `int`"):
        return f"{name} {bound}"
    return f"{name}: {problem}"


def _validation_message(request: Request[Any, Any, Any], exc: ValidationException) -> str:
    extra = [e for e in (exc.extra if isinstance(exc.extra, list) else []) if isinstance(e, dict)]
    if any(e.get("key") == "data" and e.get("source") == "body" for e in extra):
        # Bodies are decoded by api.http.decode_body, with its own messages; this is the one case left.
        return "A JSON body is required"
    return "; ".join(_parameter_message(request, e) for e in extra) or "Invalid request"


def _http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    message = exc.detail or HTTPStatus(status).phrase
    if isinstance(exc, ValidationException):
        status, message = 400, _validation_message(request, exc)
    elif status == 413:
        # Bad input is a 400 with a message everywhere in this API.
        status, message = 400, "Request body is too large"
    elif status == 404 and message == "Not Found":
        message = "No such resource"
    return error_response(status, message, headers=getattr(exc, "headers", None))


_DOMAIN_STATUS: dict[type[DomainError], int] = {InvalidInput: 400, Conflict: 409, NotAllowed: 403, OverLimit: 402}


def domain_status(exc: DomainError) -> int:
    """The HTTP status of a broken business rule: the API's answers and the dashboard's pages say the same."""
    return next((status for kind, status in _DOMAIN_STATUS.items() if isinstance(exc, kind)), 400)


def _domain_error(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    return error_response(domain_status(exc), exc.message)


def _not_found(_: Request[Any, Any, Any], exc: NotFound | LinkNotFound) -> Response[Any]:
    return error_response(404, exc.message)


def _sign_in_first(request: Request[Any, Any, Any], _: SignInFirst) -> Response[Any]:
    target = "/login?" + urlencode({"next": request.url.path}) if request.url.path != "/" else "/login"
    if request.headers.get("hx-request") == "true":
        # htmx follows no redirect of a partial request into its target: it is told to load the page.
        return Response(None, status_code=200, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)


def _unauthorized(_: Request[Any, Any, Any], exc: Unauthorized) -> Response[Any]:
    return error_response(401, exc.message, headers={"WWW-Authenticate": "Bearer"})


def _login_failed(_: Request[Any, Any, Any], __: AuthenticationFailed) -> Response[Any]:
    return error_response(401, "Invalid email or password")


def _overloaded(_: Request[Any, Any, Any], __: Exception) -> Response[Any]:
    return error_response(503, "Dregs is busy; retry shortly", headers={"Retry-After": "1"})


def _database_error(request: Request[Any, Any, Any], exc: sa_exc.DBAPIError) -> Response[Any]:
    """The read models' database is down, restarting, or ended the connection (the pools do not ping it first:
    adapters/views_db.py), or a statement ran out of time: the client may retry. Anything else is a bug."""
    if isinstance(exc, sa_exc.OperationalError) or exc.connection_invalidated:
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc.orig)
        return _overloaded(request, exc)
    return _unexpected(request, exc)


def _rate_limited(_: Request[Any, Any, Any], exc: RateLimited) -> Response[Any]:
    return error_response(429, exc.message, headers={"Retry-After": str(exc.retry_after)})


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Internal server error")


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    HTTPException: _http_exception,
    DomainError: _domain_error,
    NotFound: _not_found,
    LinkNotFound: _not_found,
    Unauthorized: _unauthorized,
    SignInFirst: _sign_in_first,
    AuthenticationFailed: _login_failed,
    RateLimited: _rate_limited,
    IngestionOverloaded: _overloaded,
    OperationalError: _overloaded,
    sa_exc.DBAPIError: _database_error,
    TimeoutError: _overloaded,
    Exception: _unexpected,
}
