"""Identities: list, get, and PATCH."""

from typing import Any

from litestar import Request, get, patch
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody

from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound
from api.guards import Permission, require
from api.http import decode_body, page_request, path_value, query_group_type, query_value
from api.schemas import PageOut, page_out
from api.tracking.schemas.identities import (
    IdentityOut,
    IdentityPatchIn,
    IdentitySummaryOut,
    identity_out,
    identity_summary_out,
)
from application.tracking.application import TrackingApplication
from domain.errors import InvalidInput
from projections.read_models import TRACKING, ReadModels
from projections.tracking.queries.identities import IdentityFilter, badges_of, get_identity, list_identities


def existing_identity(conn: Any, caller: Caller, identity_id: str) -> dict[str, Any]:
    """The identity's row, or a 404: every identity route starts here."""
    row = get_identity(conn, caller.customer_id, identity_id)
    if row is None:
        raise NotFound("Identity not found")
    return row


def _identity_out(conn: Any, caller: Caller, row: dict[str, Any]) -> IdentityOut:
    badges = badges_of(conn, caller.customer_id, [row["identity_id"]])[row["identity_id"]]
    return identity_out(row, badges)


class IdentityController(TeamController):
    path = "/api/identities"

    @get(sync_to_thread=True)
    def list_identities(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels]
    ) -> PageOut[IdentitySummaryOut]:
        page = page_request(request)
        filters = IdentityFilter(
            term=query_value(request, "term"),
            group=query_value(request, "group"),
            group_type=query_group_type(request),
            device=query_value(request, "device"),
            badge=query_value(request, "badge"),
        )
        with read_models.current(TRACKING) as conn:
            result = list_identities(conn, caller.customer_id, filters, page)
            badges = badges_of(conn, caller.customer_id, [r["identity_id"] for r in result.rows])
        return page_out(result, [identity_summary_out(r, badges[r["identity_id"]]) for r in result.rows])

    @get("/{identity_id:str}", sync_to_thread=True)
    def get_identity(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels], identity_id: FromPath[str]
    ) -> IdentityOut:
        with read_models.current(TRACKING) as conn:
            return _identity_out(conn, caller, existing_identity(conn, caller, path_value(identity_id)))

    @patch("/{identity_id:str}", sync_to_thread=True)
    def patch_identity(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        identity_id: FromPath[str],
        body: RawBody,
    ) -> IdentityOut:
        changes = decode_body(body, IdentityPatchIn)
        if changes.disregarded is None and changes.attributes is None:
            raise InvalidInput("Send disregarded, attributes, or both")
        if changes.disregarded is not None:
            require(caller, Permission.ADMINISTER)
        identity = path_value(identity_id)
        with read_models.current(TRACKING) as conn:
            existing_identity(conn, caller, identity)
        position = tracking.edit_identity(
            caller.customer_id, identity, attributes=changes.attributes, disregarded=changes.disregarded
        )
        with read_models.at_least(TRACKING, position) as conn:
            return _identity_out(conn, caller, existing_identity(conn, caller, identity))
