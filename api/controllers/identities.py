"""Identities: list, get, PATCH, and their current scores."""

from typing import Any

from litestar import Request, get, patch
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody

from api.auth import Caller, require_admin
from api.errors import NotFound
from api.http import container_of, decode_body, page_request, path_value, query_group_type, query_value
from api.schemas.analysis import ScoreOut, scores_out
from api.schemas.common import PageOut, page_out
from api.schemas.identities import (
    IdentityOut,
    IdentityPatchIn,
    IdentitySummaryOut,
    identity_out,
    identity_summary_out,
)
from domain.errors import InvalidInput
from projections.read_models import TRACKING
from projections.tracking.queries.identities import IdentityFilter, badges_of, get_identity, list_identities


def existing_identity(conn: Any, caller: Caller, identity_id: str) -> dict[str, Any]:
    row = get_identity(conn, caller.customer_id, identity_id)
    if row is None:
        raise NotFound("Identity not found")
    return row


def _identity_out(conn: Any, caller: Caller, row: dict[str, Any]) -> IdentityOut:
    badges = badges_of(conn, caller.customer_id, [row["identity_id"]])[row["identity_id"]]
    return identity_out(row, badges)


@get("/api/identities", sync_to_thread=True)
def list_identities_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller]
) -> PageOut[IdentitySummaryOut]:
    container = container_of(request)
    page = page_request(request)
    filters = IdentityFilter(
        term=query_value(request, "term"),
        group=query_value(request, "group"),
        group_type=query_group_type(request),
        device=query_value(request, "device"),
        badge=query_value(request, "badge"),
    )
    with container.read_models.current(TRACKING) as conn:
        result = list_identities(conn, caller.customer_id, filters, page)
        badges = badges_of(conn, caller.customer_id, [r["identity_id"] for r in result.rows])
    return page_out(result, [identity_summary_out(r, badges[r["identity_id"]]) for r in result.rows])


@get("/api/identities/{identity_id:str}", sync_to_thread=True)
def get_identity_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], identity_id: FromPath[str]
) -> IdentityOut:
    container = container_of(request)
    with container.read_models.current(TRACKING) as conn:
        return _identity_out(conn, caller, existing_identity(conn, caller, path_value(identity_id)))


@patch("/api/identities/{identity_id:str}", sync_to_thread=True)
def patch_identity_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], identity_id: FromPath[str], body: RawBody
) -> IdentityOut:
    container = container_of(request)
    changes = decode_body(body, IdentityPatchIn)
    if changes.disregarded is None and changes.attributes is None:
        raise InvalidInput("Send disregarded, attributes, or both")
    if changes.disregarded is not None:
        require_admin(caller)
    identity = path_value(identity_id)
    with container.read_models.current(TRACKING) as conn:
        existing_identity(conn, caller, identity)
    position = container.tracking.edit_identity(
        caller.customer_id, identity, attributes=changes.attributes, disregarded=changes.disregarded
    )
    with container.read_models.at_least(TRACKING, position) as conn:
        return _identity_out(conn, caller, existing_identity(conn, caller, identity))


@get("/api/identities/{identity_id:str}/scores", sync_to_thread=True)
def identity_scores_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], identity_id: FromPath[str]
) -> list[ScoreOut]:
    container = container_of(request)
    with container.read_models.current(TRACKING) as conn:
        return scores_out(existing_identity(conn, caller, path_value(identity_id)))
