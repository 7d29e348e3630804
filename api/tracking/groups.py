"""Groups: list, upsert, get, PATCH, and memberships."""

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from litestar import Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody

from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound, responses
from api.http import MAX_TERM, group_type_filter, optional, paging, path_value, text_query
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
from domain.errors import InvalidInput
from projections.paging import PageRequest
from projections.read_models import TRACKING, ReadModels
from projections.tracking.queries.groups import SORTS, GroupFilter, get_group, list_groups
from projections.tracking.queries.identities import get_identity

GROUP_PATH = "/{group_type:str}/{group_id:str}"
MEMBER_PATH = GROUP_PATH + "/identities/{identity_id:str}"


def _key(group_type: str, group_id: str) -> tuple[str, str]:
    decoded = path_value(group_type), path_value(group_id)
    try:
        return group_key(*decoded)
    except InvalidInput:
        raise NotFound("Group not found") from None  # a type or id no group can have


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
    dependencies = {"page": paging(SORTS, "lastTrackedAt")}  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def list_groups(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
        group_type: Annotated[str | None, text_query("type", "only groups of this type")] = None,
        identity: Annotated[str | None, text_query("identity", "only groups this identity is a member of")] = None,
        term: Annotated[str | None, text_query("term", "free text over group ids and names", MAX_TERM)] = None,
    ) -> PageOut[GroupSummaryOut]:
        """The team's groups (without their attributes), the most recently active first."""
        filters = GroupFilter(
            group_type=group_type_filter(group_type), identity=optional(identity), term=optional(term)
        )
        with read_models.current(TRACKING) as conn:
            result = list_groups(conn, caller.customer_id, filters, page)
        return page_out(result, [group_summary_out(r) for r in result.rows])

    @post(
        status_code=201,
        sync_to_thread=True,
        responses={
            200: ResponseSpec(GroupOut, description="The group existed: the attributes were merged into it"),
            **responses(400, 401, 403, 429),
        },
    )
    def create_group(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        data: JSONBody[GroupCreateIn],
    ) -> Response[GroupOut]:
        """Create a group, or merge the attributes into the group of that type and id (201, or 200)."""
        key = group_key(data.type, str(data.id))
        with read_models.current(TRACKING) as conn:
            existed = get_group(conn, caller.customer_id, *key) is not None
        position = tracking.upsert_group(caller.customer_id, *key, data.attributes or {})
        with read_models.at_least(TRACKING, position) as conn:
            return Response(group_out(_group(conn, caller, key)), status_code=200 if existed else 201)

    @get(GROUP_PATH, sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def get_group(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        group_type: FromPath[str],
        group_id: FromPath[str],
    ) -> GroupOut:
        with read_models.current(TRACKING) as conn:
            return group_out(_group(conn, caller, _key(group_type, group_id)))

    @patch(GROUP_PATH, sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def patch_group(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        group_type: FromPath[str],
        group_id: FromPath[str],
        data: JSONBody[GroupPatchIn],
    ) -> GroupOut:
        """Merge attributes into an existing group."""
        key = _key(group_type, group_id)
        with read_models.current(TRACKING) as conn:
            _group(conn, caller, key)
        position = tracking.upsert_group(caller.customer_id, *key, data.attributes)
        with read_models.at_least(TRACKING, position) as conn:
            return group_out(_group(conn, caller, key))

    @put(MEMBER_PATH, status_code=204, sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def add_member(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        group_type: FromPath[str],
        group_id: FromPath[str],
        identity_id: FromPath[str],
    ) -> None:
        """Add the identity to the group (a member already: nothing changes)."""
        _change_membership(read_models, caller, group_type, group_id, identity_id, tracking.add_member)

    @delete(MEMBER_PATH, status_code=204, sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def remove_member(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        group_type: FromPath[str],
        group_id: FromPath[str],
        identity_id: FromPath[str],
    ) -> None:
        """Remove the identity from the group (not a member: nothing changes)."""
        _change_membership(read_models, caller, group_type, group_id, identity_id, tracking.remove_member)
