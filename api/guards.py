"""Route guards: who may call a route, counted against which rate limit, and what a role may do.

Litestar runs guards before it reads a request's body or resolves its dependencies, so a caller is
authenticated (and counted) before anything it sent is parsed. What each role may do is one table,
PERMISSIONS: a new role (USER, VIEWER…) is a row there, not a change to the guards."""

from enum import StrEnum
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from api.auth import Caller, authenticate, limit_key
from api.rate_limits import enforce
from domain.accounts.roles import Role

Connection = ASGIConnection[Any, Any, Any, Any]


class Permission(StrEnum):
    ADMINISTER = "administer"  # disregard identities and devices; mappings, datasets, credentials


# The roles a dashboard user needs for each permission. A secret key is its team's server: it holds every one.
PERMISSIONS: dict[Permission, frozenset[str]] = {
    Permission.ADMINISTER: frozenset({Role.ADMIN.value}),
}

_MESSAGES = {Permission.ADMINISTER: "Only an admin can do this"}


def may(found: Caller, permission: Permission) -> bool:
    return found.kind == "secret_key" or (found.role is not None and found.role in PERMISSIONS[permission])


def require(found: Caller, permission: Permission) -> None:
    """For a handler whose need depends on what was asked (e.g. a PATCH that disregards)."""
    if not may(found, permission):
        raise PermissionDeniedException(_MESSAGES[permission])


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


def admin(connection: Connection, _: BaseRouteHandler) -> None:
    require(connection.user, Permission.ADMINISTER)
