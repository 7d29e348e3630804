"""Identities: list, get, PATCH, and DELETE (erasure: api/privacy/erasure.py)."""

from typing import Annotated, Any

import msgspec
from litestar import delete, get, patch
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from adapters.bootstrap import Container
from api.audit.as_of import AS_OF, AsOf
from api.auth import Caller, limit_key
from api.controller import TeamController
from api.errors import NotFound, responses
from api.http import MAX_TERM, group_type_filter, optional, paging, path_value, text_query
from api.privacy.erasure import ERASE_DOC, ErasedOut, erase_identity
from api.schemas import PageOut, page_out
from api.team.activity import RequestActivity
from api.tracking.schemas.identities import (
    IdentityOut,
    IdentityPatchIn,
    IdentitySummaryOut,
    identity_out,
    identity_summary_out,
)
from application.tracking.application import TrackingApplication
from domain.errors import InvalidInput
from projections.paging import PageRequest
from projections.read_models import ALERTING, SCORING, TRACKING, ReadModels
from projections.tracking.queries.identities import SORTS, IdentityFilter, badges_of, get_identity, list_identities


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
    dependencies = {"page": paging(SORTS, "lastTrackedAt")}  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def list_identities(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
        term: Annotated[
            str | None, text_query("term", "free text over id, display name, email and username", MAX_TERM)
        ] = None,
        group: Annotated[str | None, text_query("group", "members of the group with this id")] = None,
        group_type: Annotated[str | None, text_query("groupType", "members of a group of this type")] = None,
        device: Annotated[str | None, text_query("device", "seen on the device with this fingerprint")] = None,
        badge: Annotated[str | None, text_query("badge", "holding the badge with this slug")] = None,
    ) -> PageOut[IdentitySummaryOut]:
        """The team's identities, the most recently tracked first unless sorted otherwise."""
        filters = IdentityFilter(
            term=optional(term),
            group=optional(group),
            group_type=group_type_filter(group_type),
            device=optional(device),
            badge=optional(badge),
        )
        with read_models.current(TRACKING, SCORING, ALERTING) as conn:
            result = list_identities(conn, caller.customer_id, filters, page)
            badges = badges_of(conn, caller.customer_id, [r["identity_id"] for r in result.rows])
        return page_out(result, [identity_summary_out(r, badges[r["identity_id"]]) for r in result.rows])

    @get("/{identity_id:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429), dependencies=AS_OF)
    def get_identity(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        identity_id: FromPath[str],
        as_of: NamedDependency[AsOf | None],
    ) -> IdentityOut:
        if as_of is not None:
            return as_of.identity(read_models, caller, path_value(identity_id))
        with read_models.current(TRACKING, SCORING, ALERTING) as conn:
            return _identity_out(conn, caller, existing_identity(conn, caller, path_value(identity_id)))

    @patch("/{identity_id:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def patch_identity(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        identity_id: FromPath[str],
        data: JSONBody[IdentityPatchIn],
    ) -> IdentityOut:
        """Merge attributes into the identity, or disregard it (a member's call from USER up: api/access.py)."""
        disregarded = None if data.disregarded is msgspec.UNSET else data.disregarded
        attributes = None if data.attributes is msgspec.UNSET else data.attributes
        if disregarded is None and attributes is None:
            raise InvalidInput("Send disregarded, attributes, or both")
        identity = path_value(identity_id)
        with read_models.current(TRACKING) as conn:
            existing_identity(conn, caller, identity)
        position = tracking.edit_identity(
            caller.customer_id, identity, attributes=attributes, disregarded=disregarded, by=limit_key(caller)
        )
        with read_models.at_least(TRACKING, position) as conn:
            return _identity_out(conn, caller, existing_identity(conn, caller, identity))

    @delete(
        "/{identity_id:str}",
        status_code=200,
        sync_to_thread=True,
        responses=responses(400, 401, 403, 404, 429),
        description=ERASE_DOC,
    )
    def erase_identity(
        self,
        caller: NamedDependency[Caller],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        identity_id: FromPath[str],
    ) -> ErasedOut:
        """Erase the identity's personal data, irreversibly (admins and the server key)."""
        return erase_identity(container, caller, activity, path_value(identity_id))
