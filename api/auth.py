"""Who is calling: a dashboard user (JWT), a server (sk_ key) or a browser (pk_ key).

The caller is resolved once per request, by the guard of the route (api/guards.py), and kept in the
scope's `user`, where Litestar's DI hands it to handlers (api/dependencies.py)."""

from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

import anyio.to_thread
from litestar.connection import ASGIConnection

from adapters.bootstrap import Container
from api.errors import Unauthorized
from application.accounts import sessions
from application.accounts.application import PUBLIC_KEY_PREFIX, SECRET_KEY_PREFIX
from application.accounts.key_cache import KeyGrant
from projections.accounts.queries.credentials import credential_by_public_key
from projections.read_models import ACCOUNTS

CallerKind = Literal["user", "secret_key", "public_key"]


@dataclass(frozen=True)
class Caller:
    customer_id: UUID
    kind: CallerKind
    user_id: UUID | None = None
    role: str | None = None
    credential_id: UUID | None = None
    origins: frozenset[str] = frozenset()  # a browser key's allowed origins
    email: str | None = None  # a member's address, read with their session: who did what, without a second read


def _bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Missing bearer token")
    return token.strip()


def _server(grant: KeyGrant | None) -> Caller:
    if grant is None:
        raise Unauthorized("Unknown, disabled or revoked API key")
    return Caller(grant.customer_id, "secret_key", credential_id=grant.credential_id)


def _resolve(container: Container, token: str) -> Caller:
    """Blocking: may read the event store or the read models."""
    if token.startswith(SECRET_KEY_PREFIX):
        return _server(container.accounts.grant_for_secret_key(token))
    if token.startswith(PUBLIC_KEY_PREFIX):
        with container.read_models.as_they_are() as conn:
            row = credential_by_public_key(conn, token)
        if row is None:
            # A credential issued a moment ago may not be projected yet.
            with container.read_models.current(ACCOUNTS) as conn:
                row = credential_by_public_key(conn, token)
        if row is None or not row["enabled"] or row["revoked"]:
            raise Unauthorized("Unknown, disabled or revoked API key")
        origins = frozenset(row["allowed_origins"])
        return Caller(row["customer_id"], "public_key", credential_id=row["credential_id"], origins=origins)
    try:
        claims = sessions.verify(token, container.settings.jwt_secret)
    except sessions.InvalidSession:
        raise Unauthorized("Invalid or expired session") from None
    user = container.accounts.user(claims.user_id)
    if user is None or not user.active or user.token_version != claims.token_version:
        raise Unauthorized("Invalid or expired session")
    return Caller(user.customer_id, "user", user_id=user.id, role=user.role, email=user.email)


SESSION_COOKIE = "dregs_session"  # the dashboard's session: the same JWT, in an HttpOnly cookie


async def authenticate(connection: ASGIConnection[Any, Any, Any, Any], *, page: bool = False) -> Caller:
    """The request's caller, of any kind; resolved once and kept in the scope's `user`. A dashboard page is
    authenticated by its session cookie only, never by a header a script could set."""
    found = connection.scope.get("user")
    if isinstance(found, Caller):
        return found
    container: Container = connection.app.state.container
    token = connection.cookies.get(SESSION_COOKIE, "") if page else _bearer(connection)
    if page and (not token or token.startswith((SECRET_KEY_PREFIX, PUBLIC_KEY_PREFIX))):
        raise Unauthorized("Sign in to see this page")
    grant = container.accounts.cached_grant(token) if token.startswith(SECRET_KEY_PREFIX) else None
    # The hot path of ingestion: a remembered key costs one HMAC and no thread hop.
    found = _server(grant) if grant is not None else await anyio.to_thread.run_sync(_resolve, container, token)
    connection.scope["user"] = found
    if found.credential_id is not None:
        container.credential_usage.used(found.credential_id)  # written later, off the request (lastUsedAt)
    return found


def limit_key(found: Caller) -> str:
    """Whose budget a request spends: the user's, or the credential's."""
    return f"user:{found.user_id}" if found.user_id is not None else f"credential:{found.credential_id}"
