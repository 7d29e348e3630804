"""Who may call each route: one table, route → the least role a dashboard user needs and whether the team's
server key may call it. The `authorized` guard reads it for every request, and
tests/e2e/test_route_access.py walks every route of the OpenAPI document with every role, so a route
without a row fails the suite (and is refused in production: the guard fails closed).

Roles rank VIEWER < USER < ADMIN (domain/accounts/roles.py). A server key (`sk_`) is the team's backend, not a
person: it reads, tracks and does what the official SDK does (identities, groups, devices, escalations, and the
team's rules, datasets and mappings), and may not manage the team, its members or its credentials. A browser key
(`pk_`) only sends events."""

import re
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from api.auth import authenticate
from api.errors import SignInFirst, Unauthorized
from api.guards import api_client
from api.tracking.ingestion import sender_from_allowed_origin
from domain.accounts.roles import Role, ranks_at_least

Connection = ASGIConnection[Any, Any, Any, Any]


@dataclass(frozen=True)
class Access:
    least: Role | None  # the least role of a dashboard user; None: no one is asked who they are
    server_key: bool = True  # whether the team's secret key may call it
    sender: bool = False  # any credential, browser keys from their allowed origins (api/tracking/ingestion.py)
    page: bool = False  # a dashboard page: a member's session cookie; without one, the sign-in page


PUBLIC = Access(None)
SENDER = Access(None, sender=True)
READ = Access(Role.VIEWER)  # reading the team's data: every member, and the server key
WORK = Access(Role.USER)  # working the team's identities and escalations
SETTINGS = Access(Role.ADMIN)  # the team's rules, channels, datasets, mappings
ERASE = Access(Role.ADMIN)  # erasing an identity's personal data
OWN_ACCOUNT = Access(Role.VIEWER, server_key=False)  # a person's own account, from a dashboard session
TEAM = Access(Role.ADMIN, server_key=False)  # the team itself: its credentials and members
PAGE = Access(Role.VIEWER, server_key=False, page=True)  # a dashboard page: every member sees it
PAGE_WORK = Access(Role.USER, server_key=False, page=True)  # a dashboard form working the team's identities
PAGE_ADMIN = Access(Role.ADMIN, server_key=False, page=True)  # a dashboard form changing the team's settings

ACCESS: dict[tuple[str, str], Access] = {
    # --- public: pages, the OpenAPI document, sign-up and sign-in, the tracker
    ("GET", "/"): PAGE,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,  # ends whatever session the browser holds, a dead one too
    ("GET", "/accept-invitation"): PUBLIC,  # the pages the emailed links open
    ("POST", "/accept-invitation"): PUBLIC,
    ("GET", "/reset-password"): PUBLIC,
    ("POST", "/reset-password"): PUBLIC,
    ("GET", "/static/{file_path}"): PUBLIC,
    ("GET", "/identities"): PAGE,
    ("GET", "/identities/{identity_id}"): PAGE,
    ("POST", "/identities/{identity_id}/analyze"): PAGE_WORK,
    ("POST", "/identities/{identity_id}/disregard"): PAGE_WORK,
    ("POST", "/identities/{identity_id}/erase"): PAGE_ADMIN,  # as DELETE /api/identities/{identity_id}
    ("GET", "/devices"): PAGE,
    ("GET", "/events"): PAGE,
    ("GET", "/escalations"): PAGE,
    ("POST", "/escalations/{number}/{action}"): PAGE_WORK,
    ("GET", "/settings"): PAGE,
    ("GET", "/settings/keys"): PAGE,
    ("POST", "/settings/keys"): PAGE_ADMIN,
    ("POST", "/settings/keys/{credential_id}/{action}"): PAGE_ADMIN,
    ("GET", "/settings/rules"): PAGE,
    ("POST", "/settings/rules/preview"): PAGE,  # what a draft would match: it changes nothing
    ("POST", "/settings/rules/backtest"): PAGE_ADMIN,  # as /api/badge-rules/backtest
    ("POST", "/settings/rules/{kind}"): PAGE_ADMIN,
    ("GET", "/settings/rules/{kind}/{slug}"): PAGE,
    ("POST", "/settings/rules/{kind}/{slug}"): PAGE_ADMIN,
    ("POST", "/settings/rules/{kind}/{slug}/delete"): PAGE_ADMIN,
    ("GET", "/settings/channels"): PAGE,
    ("POST", "/settings/channels"): PAGE_ADMIN,
    ("GET", "/settings/channels/{slug}"): PAGE,
    ("POST", "/settings/channels/{slug}/edit"): PAGE_ADMIN,
    ("POST", "/settings/channels/{slug}/{action}"): PAGE_ADMIN,
    ("GET", "/settings/mappings"): PAGE,
    ("POST", "/settings/mappings"): PAGE_ADMIN,
    ("POST", "/settings/mappings/{mapping_id}/delete"): PAGE_ADMIN,
    ("GET", "/settings/datasets"): PAGE,
    ("GET", "/settings/datasets/{dataset_scope}/{slug}"): PAGE,
    ("POST", "/settings/datasets/{dataset_scope}/{slug}/entries"): PAGE_ADMIN,
    ("POST", "/settings/datasets/{dataset_scope}/{slug}/entries/delete"): PAGE_ADMIN,
    ("GET", "/settings/team"): PAGE,
    ("POST", "/settings/team/invitations"): PAGE_ADMIN,
    ("POST", "/settings/team/members/{member_id}"): PAGE_ADMIN,
    ("POST", "/settings/team/invitations/{invitation_id}/revoke"): PAGE_ADMIN,
    ("GET", "/settings/activity"): PAGE_ADMIN,
    ("GET", "/settings/account"): PAGE,
    ("POST", "/settings/account/password"): PAGE,
    ("POST", "/settings/account/delete"): PAGE,
    ("GET", "/api"): PUBLIC,
    ("GET", "/health"): PUBLIC,
    ("GET", "/dregs.js"): PUBLIC,
    ("GET", "/schema"): PUBLIC,
    ("GET", "/schema/{path}"): PUBLIC,
    ("GET", "/schema/openapi.json"): PUBLIC,
    ("GET", "/schema/assets/{name}"): PUBLIC,
    ("POST", "/api/auth/login"): PUBLIC,
    ("POST", "/api/auth/signup"): PUBLIC,
    ("POST", "/api/auth/accept-invitation"): PUBLIC,
    ("POST", "/api/auth/password-reset"): PUBLIC,
    ("POST", "/api/auth/password-reset/confirm"): PUBLIC,
    # --- accounts
    ("GET", "/api/account"): OWN_ACCOUNT,
    ("PUT", "/api/account/password"): OWN_ACCOUNT,
    ("DELETE", "/api/account"): OWN_ACCOUNT,
    ("GET", "/api/credentials"): Access(Role.VIEWER, server_key=False),
    ("POST", "/api/credentials"): TEAM,
    ("PATCH", "/api/credentials/{credential_id}"): TEAM,
    ("DELETE", "/api/credentials/{credential_id}"): TEAM,
    # --- the team
    ("GET", "/api/team/members"): Access(Role.VIEWER, server_key=False),
    ("PATCH", "/api/team/members/{member_id}"): TEAM,
    ("DELETE", "/api/team/members/{member_id}"): TEAM,
    ("GET", "/api/team/invitations"): TEAM,
    ("POST", "/api/team/invitations"): TEAM,
    ("DELETE", "/api/team/invitations/{invitation_id}"): TEAM,
    ("GET", "/api/team/activity"): TEAM,
    # --- tracking
    ("POST", "/api/events"): SENDER,
    ("GET", "/api/stats"): READ,
    ("GET", "/api/stats/score-distribution"): READ,
    ("GET", "/api/stats/rule-activity"): READ,
    ("GET", "/api/events"): READ,
    ("GET", "/api/events/{event_id}"): READ,
    ("GET", "/api/identities"): READ,
    ("GET", "/api/identities/{identity_id}"): READ,
    ("PATCH", "/api/identities/{identity_id}"): WORK,
    # Erasure is irreversible: admins, and the app's server, where a person's request to be forgotten arrives.
    ("DELETE", "/api/identities/{identity_id}"): ERASE,
    ("GET", "/api/groups"): READ,
    ("POST", "/api/groups"): WORK,
    ("GET", "/api/groups/{group_type}/{group_id}"): READ,
    ("PATCH", "/api/groups/{group_type}/{group_id}"): WORK,
    ("PUT", "/api/groups/{group_type}/{group_id}/identities/{identity_id}"): WORK,
    ("DELETE", "/api/groups/{group_type}/{group_id}/identities/{identity_id}"): WORK,
    ("GET", "/api/devices"): READ,
    ("GET", "/api/devices/{fingerprint}"): READ,
    ("PATCH", "/api/devices/{fingerprint}"): WORK,
    ("GET", "/api/mappings"): READ,
    ("PUT", "/api/mappings"): SETTINGS,
    ("DELETE", "/api/mappings/{mapping_id}"): SETTINGS,
    # --- scoring
    ("GET", "/api/identities/{identity_id}/scores"): READ,
    ("GET", "/api/identities/{identity_id}/analysis"): READ,
    ("GET", "/api/identities/{identity_id}/analysis/{cycle_id}"): READ,
    ("GET", "/api/identities/{identity_id}/history"): READ,
    ("GET", "/api/identities/{identity_id}/links"): READ,
    ("GET", "/api/identities/{identity_id}/reviews"): READ,
    ("POST", "/api/identities/{identity_id}/actions/review"): WORK,
    ("POST", "/api/identities/{identity_id}/actions/analyze"): WORK,
    ("GET", "/api/datasets"): READ,
    ("GET", "/api/datasets/{dataset_scope}/{slug}/entries"): READ,
    ("PUT", "/api/datasets/{dataset_scope}/{slug}/entries"): SETTINGS,
    ("DELETE", "/api/datasets/{dataset_scope}/{slug}/entries/{key}"): SETTINGS,
    # --- alerting
    ("GET", "/api/badge-rules"): READ,
    ("POST", "/api/badge-rules"): SETTINGS,
    # A backtest changes nothing, yet it is no read like the preview: it replays up to 10 s of the team's decisions
    # on a web worker, and it is a step in changing a rule, which only admins (and the server key) do. Viewers and
    # users keep the preview, which costs one query.
    ("POST", "/api/badge-rules/backtest"): SETTINGS,
    ("GET", "/api/badge-rules/{slug}"): READ,
    ("PATCH", "/api/badge-rules/{slug}"): SETTINGS,
    ("DELETE", "/api/badge-rules/{slug}"): SETTINGS,
    ("GET", "/api/escalation-rules"): READ,
    ("POST", "/api/escalation-rules"): SETTINGS,
    ("POST", "/api/escalation-rules/preview"): READ,  # what a rule would match: it changes nothing
    ("POST", "/api/escalation-rules/backtest"): SETTINGS,  # as /api/badge-rules/backtest
    ("GET", "/api/escalation-rules/{slug}"): READ,
    ("PATCH", "/api/escalation-rules/{slug}"): SETTINGS,
    ("DELETE", "/api/escalation-rules/{slug}"): SETTINGS,
    ("GET", "/api/escalations"): READ,
    ("GET", "/api/escalations/summary"): READ,
    ("GET", "/api/escalations/{escalation_id}"): READ,
    ("PATCH", "/api/escalations/{escalation_id}"): WORK,
    ("GET", "/api/channels"): READ,
    ("POST", "/api/channels"): SETTINGS,
    ("GET", "/api/channels/{channel_slug}"): READ,
    ("PATCH", "/api/channels/{channel_slug}"): SETTINGS,
    ("DELETE", "/api/channels/{channel_slug}"): SETTINGS,
    ("GET", "/api/channels/{channel_slug}/deliveries"): READ,
    ("POST", "/api/channels/{channel_slug}/actions/rotate-secret"): SETTINGS,
    ("POST", "/api/channels/{channel_slug}/actions/test"): SETTINGS,
    # --- audit: an identity's record. Its timeline is a read of the team's data (a VIEWER is how a team lets an
    # auditor in), naming who changed what but never the activity log's addresses and browsers; the export holds
    # every stored event verbatim, activity log entries included, which only admins read (GET /api/team/activity)
    ("GET", "/api/audit/identities/{identity_id}/timeline"): READ,
    ("GET", "/api/audit/identities/{identity_id}/export"): TEAM,
}


_TYPED_PARAMETER = re.compile(r"\{(\w+):\w+\}")


def route_key(method: str, path_template: str) -> tuple[str, str]:
    """("PATCH", "/api/devices/{fingerprint:str}") → ("PATCH", "/api/devices/{fingerprint}"): the OpenAPI
    document's spelling of a route."""
    return method.upper(), _TYPED_PARAMETER.sub(r"{\1}", path_template)


def access_of(method: str, path_template: str) -> Access | None:
    return ACCESS.get(route_key(method, path_template))


_BELOW = {
    Role.VIEWER: "This needs a team member's session",
    Role.USER: "A viewer may only read",
    Role.ADMIN: "Only an admin can do this",
}


async def authorized(connection: Connection, _: BaseRouteHandler) -> None:
    """The app's one guard, on every request: the route's row of ACCESS, or a refusal (a route without a row is a
    mistake, not open); then the request is counted against the caller's budget."""
    method = connection.scope.get("method", "GET")
    if method in ("OPTIONS", "HEAD"):
        return
    access = access_of(method, connection.scope.get("path_template", connection.scope["path"]))
    if access is None:
        raise PermissionDeniedException("This route has no access rule")
    if access.sender:
        await sender_from_allowed_origin(connection)
        return
    if access.least is None:
        return
    try:
        found = await authenticate(connection, page=access.page)
    except Unauthorized:
        if access.page:
            raise SignInFirst from None
        raise
    if found.kind == "public_key":
        raise PermissionDeniedException("A public key may only send events")
    if found.kind == "secret_key" and not access.server_key:
        raise PermissionDeniedException("This needs a dashboard session")
    if found.kind == "user" and (found.role is None or not ranks_at_least(found.role, access.least)):
        raise PermissionDeniedException(_BELOW[access.least])
    await api_client(connection)
