"""Route guards: what kind of caller a route's controller serves, and which rate limit it counts against.

Litestar runs guards before it reads a request's body or resolves its dependencies, so a caller is
authenticated (and counted) before anything it sent is parsed. Which role each route needs is one table,
api/access.py, read by the app's own guard before these."""

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from api.auth import authenticate, limit_key
from api.rate_limits import enforce

Connection = ASGIConnection[Any, Any, Any, Any]


async def api_client(connection: Connection, _: BaseRouteHandler) -> None:
    """A dashboard user or a server key; a browser key may only send events."""
    found = await authenticate(connection)
    if found.kind == "public_key":
        raise PermissionDeniedException("A public key may only send events")
    await enforce(connection, "api", limit_key(found), "Too many API requests; retry after the time in Retry-After")


async def dashboard_user(connection: Connection, handler: BaseRouteHandler) -> None:
    await api_client(connection, handler)
    if connection.user.kind != "user":
        raise PermissionDeniedException("This needs a dashboard session")


async def account_change(connection: Connection, _: BaseRouteHandler) -> None:
    """A password or credential change: sensitive, so counted apart (after dashboard_user)."""
    message = "Too many account changes; retry after the time in Retry-After"
    await enforce(connection, "account", limit_key(connection.user), message)


async def event_sender(connection: Connection, _: BaseRouteHandler) -> None:
    """Every credential kind may send events, each counted against its own ingestion budget."""
    found = await authenticate(connection)
    await enforce(connection, "ingest", limit_key(found), "Too many events; retry after the time in Retry-After")
