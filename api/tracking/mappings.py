"""Mappings: list the GLOBAL defaults and the team's own; admins put and delete their own."""

from typing import Annotated
from uuid import UUID, uuid5

from litestar import delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound, responses
from api.http import PATTERN_RULES, any_case
from api.team.activity import RequestActivity
from api.tracking.schemas.mappings import MappingIn, MappingOut, customer_mapping_out
from application.tracking.application import MappingNotFound, TrackingApplication
from domain.team.activity import Kind
from domain.times import to_micros
from domain.tracking.mapping_rule import MappingRule
from domain.tracking.mappings import EVENT_TYPE, IDENTITY_FIELD, global_mappings
from projections.read_models import TRACKING, ReadModels
from projections.tracking.queries.mappings import team_mappings

_GLOBAL_IDS = UUID("0b0f3d52-7a1e-4c55-9d43-2b8a61f0c7e1")
KINDS = any_case(EVENT_TYPE, IDENTITY_FIELD)
SCOPES = any_case("GLOBAL", "CUSTOMER")
PATTERN_RULES[KINDS] = f"must be {EVENT_TYPE} or {IDENTITY_FIELD}"
PATTERN_RULES[SCOPES] = "must be GLOBAL or CUSTOMER"


def _global_out() -> list[MappingOut]:
    return [
        MappingOut(str(uuid5(_GLOBAL_IDS, f"{kind}\x00{source}")), kind, "GLOBAL", source, target, None, None, None)
        for kind, source, target in global_mappings()
    ]


def mappings_of(read_models: ReadModels, caller: Caller, kind: str | None, scope: str | None) -> list[MappingOut]:
    """The team's own (CUSTOMER) mappings, then the GLOBAL defaults; `kind` and `scope` (any case) keep only
    those."""
    kind = kind.upper() if kind else None
    scope = scope.upper() if scope else None
    found: list[MappingOut] = []
    if scope in (None, "CUSTOMER"):
        with read_models.current(TRACKING) as conn:
            found += [customer_mapping_out(r) for r in team_mappings(conn, caller.customer_id)]
    if scope in (None, "GLOBAL"):
        found += _global_out()
    return [m for m in found if kind is None or m.kind == kind]


def set_mapping(  # noqa: PLR0913 - whose mapping, what it maps, and the parts that record it
    tracking: TrackingApplication,
    read_models: ReadModels,
    activity: RequestActivity,
    caller: Caller,
    kind: str,
    source: str,
    target: str,
    description: str | None,
) -> MappingOut:
    """The team's mapping of (kind, source), made or replaced and logged: the API's and the dashboard's way.
    InvalidInput for a kind, source or target check_mapping refuses."""
    description = (description or "").strip() or None
    rule, position = tracking.put_mapping(caller.customer_id, kind, source, target, description)
    detail = {"target": rule.target, "description": rule.description}
    activity.note(Kind.MAPPING_SET, f"{rule.kind} {rule.source}", detail)
    read_models.reach(TRACKING, position)
    assert rule.target is not None
    return customer_mapping_out(
        {
            "mapping_id": rule.id,
            "kind": rule.kind,
            "source": rule.source,
            "target": rule.target,
            "description": rule.description,
            "created_at": to_micros(rule.created_on),
            "updated_at": to_micros(rule.modified_on),
        }
    )


def remove_mapping(
    tracking: TrackingApplication, read_models: ReadModels, activity: RequestActivity, caller: Caller, mapping_id: str
) -> None:
    """Delete the team's mapping, logged; NotFound for an id that names none of the team's (or no UUID)."""
    try:
        found = UUID(mapping_id)
        position = tracking.remove_mapping(caller.customer_id, found)
    except (ValueError, MappingNotFound):
        raise NotFound("Mapping not found") from None
    removed: MappingRule = tracking.repository.get(found)
    activity.note(Kind.MAPPING_REMOVED, f"{removed.kind} {removed.source}")
    read_models.reach(TRACKING, position)


class MappingController(TeamController):
    path = "/api/mappings"

    @get(sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def list_mappings(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        kind: Annotated[
            str | None, QueryParameter(name="kind", pattern=KINDS, description=f"{EVENT_TYPE} or {IDENTITY_FIELD}")
        ] = None,
        scope_filter: Annotated[
            str | None, QueryParameter(name="scope", pattern=SCOPES, description="GLOBAL or CUSTOMER")
        ] = None,
    ) -> list[MappingOut]:
        """The GLOBAL defaults and the team's own (CUSTOMER) mappings, which override them."""
        return mappings_of(read_models, caller, kind, scope_filter)

    @put(sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def put_mapping(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        activity: NamedDependency[RequestActivity],
        data: JSONBody[MappingIn],
    ) -> MappingOut:
        """Map a name of the team's own to a Dregs event type or identity field (replacing an earlier mapping)."""
        return set_mapping(tracking, read_models, activity, caller, data.kind, data.source, data.target,
                           data.description)  # fmt: skip

    @delete(
        "/{mapping_id:str}",
        status_code=204,
        sync_to_thread=True,
        responses=responses(400, 401, 403, 404, 429),
    )
    def delete_mapping(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        activity: NamedDependency[RequestActivity],
        mapping_id: FromPath[str],
    ) -> None:
        remove_mapping(tracking, read_models, activity, caller, mapping_id)
