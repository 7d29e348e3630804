"""Groups: list, upsert, get, PATCH, and memberships."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from litestar import Request, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody

from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound
from api.http import decode_body, page_request, path_value, query_group_type, query_value
from api.schemas import PageOut, page_out
from api.tracking.schemas.groups import (
    GroupCreateIn,
    GroupOut,
    GroupPatchIn,
    GroupSummaryOut,
    group_out,
    group_summary_out,
)
from application.tracking.application import TrackingApplication, group_key
from projections.read_models import TRACKING, ReadModels
from projections.tracking.queries.groups import GroupFilter, get_group, list_groups
from projections.tracking.queries.identities import get_identity

GROUP_PATH = "/{group_type:str}/{group_id:str}"
MEMBER_PATH = GROUP_PATH + "/identities/{identity_id:str}"


def _key(group_type: str, group_id: str) -> tuple[str, str]:
    try:
        return group_key(path_value(group_type), path_value(group_id))
    except Exception:
        raise NotFound("Group not found") from None


def _group(conn: Any, caller: Caller, key: tuple[str, str]) -> dict[str, Any]:
    row = get_group(conn, caller.customer_id, *key)
    if row is None:
        raise NotFound("Group not found")
    return row


def _change_membership(
    read_models: ReadModels,
    caller: Caller,
    group_type: str,
    group_id: str,
    identity_id: str,
    command: Callable[[UUID, str, str, str], int],
) -> None:
    """Both the group and the identity must exist; then add or remove, and wait until it shows."""
    key = _key(group_type, group_id)
    identity = path_value(identity_id)
    with read_models.current(TRACKING) as conn:
        _group(conn, caller, key)
        if get_identity(conn, caller.customer_id, identity) is None:
            raise NotFound("Identity not found")
    read_models.reach(TRACKING, command(caller.customer_id, *key, identity))


class GroupController(TeamController):
    path = "/api/groups"

    @get(sync_to_thread=True)
    def list_groups(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels]
    ) -> PageOut[GroupSummaryOut]:
        page = page_request(request)
        filters = GroupFilter(
            group_type=query_group_type(request, "type"),
            identity=query_value(request, "identity"),
            term=query_value(request, "term"),
        )
        with read_models.current(TRACKING) as conn:
            result = list_groups(conn, caller.customer_id, filters, page)
        return page_out(result, [group_summary_out(r) for r in result.rows])

    @post(sync_to_thread=True)
    def create_group(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        body: RawBody,
    ) -> Response[GroupOut]:
        created = decode_body(body, GroupCreateIn)
        key = group_key(created.type, str(created.id))
        with read_models.current(TRACKING) as conn:
            existed = get_group(conn, caller.customer_id, *key) is not None
        position = tracking.upsert_group(caller.customer_id, *key, created.attributes or {})
        with read_models.at_least(TRACKING, position) as conn:
            return Response(group_out(_group(conn, caller, key)), status_code=200 if existed else 201)

    @get(GROUP_PATH, sync_to_thread=True)
    def get_group(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        group_type: FromPath[str],
        group_id: FromPath[str],
    ) -> GroupOut:
        with read_models.current(TRACKING) as conn:
            return group_out(_group(conn, caller, _key(group_type, group_id)))

    @patch(GROUP_PATH, sync_to_thread=True)
    def patch_group(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        group_type: FromPath[str],
        group_id: FromPath[str],
        body: RawBody,
    ) -> GroupOut:
        changes = decode_body(body, GroupPatchIn)
        key = _key(group_type, group_id)
        with read_models.current(TRACKING) as conn:
            _group(conn, caller, key)
        position = tracking.upsert_group(caller.customer_id, *key, changes.attributes)
        with read_models.at_least(TRACKING, position) as conn:
            return group_out(_group(conn, caller, key))

    @put(MEMBER_PATH, status_code=204, sync_to_thread=True)
    def add_member(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        group_type: FromPath[str],
        group_id: FromPath[str],
        identity_id: FromPath[str],
    ) -> None:
        _change_membership(read_models, caller, group_type, group_id, identity_id, tracking.add_member)

    @delete(MEMBER_PATH, status_code=204, sync_to_thread=True)
    def remove_member(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        group_type: FromPath[str],
        group_id: FromPath[str],
        identity_id: FromPath[str],
    ) -> None:
        _change_membership(read_models, caller, group_type, group_id, identity_id, tracking.remove_member)
