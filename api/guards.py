"""Which rate limit a request counts against, once api/access.py's guard has said who may call the route.

Litestar runs guards before it reads a request's body or resolves its dependencies, so a caller is
authenticated (and counted) before anything it sent is parsed. The app has one guard (api/access.py
`authorized`): Litestar copies the route handler for each guard of each request. Sensitive changes add
account_change."""

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from api.auth import authenticate, limit_key
from api.rate_limits import enforce

Connection = ASGIConnection[Any, Any, Any, Any]


async def api_client(connection: Connection) -> None:
    """After the route's access rule let the caller in: a request to the team's data, counted against the
    caller's API budget."""
    await enforce(
        connection, "api", limit_key(connection.user), "Too many API requests; retry after the time in Retry-After"
    )


async def account_change(connection: Connection, _: BaseRouteHandler) -> None:
    """A password or credential change: sensitive, so counted apart (after dashboard_user)."""
    message = "Too many account changes; retry after the time in Retry-After"
    await enforce(connection, "account", limit_key(connection.user), message)


async def event_sender(connection: Connection) -> None:
    """Every credential kind may send events, each counted against its own ingestion budget."""
    found = await authenticate(connection)
    await enforce(connection, "ingest", limit_key(found), "Too many events; retry after the time in Retry-After")
