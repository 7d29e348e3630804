"""Who is calling: a dashboard user (JWT), a server (sk_ key) or a browser (pk_ key)."""

from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

import anyio.to_thread
from litestar import Request
from litestar.di import Provide
from litestar.exceptions import PermissionDeniedException

from adapters.bootstrap import Container
from api.errors import Unauthorized
from api.rate_limits import enforce
from application.accounts import sessions
from application.accounts.application import PUBLIC_KEY_PREFIX, SECRET_KEY_PREFIX
from application.accounts.key_cache import KeyGrant
from domain.accounts.roles import Role
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

    @property
    def is_admin(self) -> bool:
        # A secret key is the team's server: it acts with full rights.
        return self.kind == "secret_key" or self.role == Role.ADMIN.value


def _bearer(request: Request[Any, Any, Any]) -> str:
    header = request.headers.get("authorization", "")
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
    if user is None or user.token_version != claims.token_version:
        raise Unauthorized("Invalid or expired session")
    return Caller(user.customer_id, "user", user_id=user.id, role=user.role)


async def any_caller(request: Request[Any, Any, Any]) -> Caller:
    """Every credential kind: only POST /api/events uses this."""
    container: Container = request.app.state.container
    token = _bearer(request)
    if token.startswith(SECRET_KEY_PREFIX):
        # The hot path of ingestion: a remembered key costs one HMAC and no thread hop.
        grant = container.accounts.cached_grant(token)
        if grant is not None:
            return _server(grant)
    return await anyio.to_thread.run_sync(_resolve, container, token)


def limit_key(found: Caller) -> str:
    """Whose budget a request spends: the user's, or the credential's."""
    return f"user:{found.user_id}" if found.user_id is not None else f"credential:{found.credential_id}"


async def caller(request: Request[Any, Any, Any]) -> Caller:
    """A dashboard user or a server key; a browser key may only post events."""
    found = await any_caller(request)
    if found.kind == "public_key":
        raise PermissionDeniedException("A public key may only send events")
    await enforce(request, "api", limit_key(found), "Too many API requests; retry after the time in Retry-After")
    return found


async def dashboard_user(request: Request[Any, Any, Any]) -> Caller:
    found = await caller(request)
    if found.kind != "user":
        raise PermissionDeniedException("This needs a dashboard session")
    return found


async def account_changer(request: Request[Any, Any, Any]) -> Caller:
    """A dashboard user about to change a password or a credential: sensitive, so counted apart."""
    found = await dashboard_user(request)
    await enforce(request, "account", limit_key(found), "Too many account changes; retry after the time in Retry-After")
    return found


# Route-level override of the app's "user" dependency for sensitive account changes.
ACCOUNT_CHANGE = {"user": Provide(account_changer)}


def require_admin(found: Caller) -> None:
    if not found.is_admin:
        raise PermissionDeniedException("Only an admin can do this")
