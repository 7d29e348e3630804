"""Mappings: list the GLOBAL defaults and the team's own; admins put and delete their own."""

from typing import Any
from uuid import UUID, uuid5

from litestar import Request, delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody

from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound
from api.guards import admin
from api.http import decode_body, query_value
from api.tracking.schemas.mappings import MappingIn, MappingOut, customer_mapping_out
from application.tracking.application import MappingNotFound, TrackingApplication
from domain.errors import InvalidInput
from domain.tracking.mappings import EVENT_TYPE, IDENTITY_FIELD, global_mappings
from projections.read_models import TRACKING, ReadModels
from projections.times import to_micros
from projections.tracking.queries.mappings import team_mappings

_GLOBAL_IDS = UUID("0b0f3d52-7a1e-4c55-9d43-2b8a61f0c7e1")
SCOPES = ("GLOBAL", "CUSTOMER")


def _global_out() -> list[MappingOut]:
    return [
        MappingOut(str(uuid5(_GLOBAL_IDS, f"{kind}\x00{source}")), kind, "GLOBAL", source, target, None, None, None)
        for kind, source, target in global_mappings()
    ]


class MappingController(TeamController):
    path = "/api/mappings"

    @get(sync_to_thread=True)
    def list_mappings(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels]
    ) -> list[MappingOut]:
        kind = (query_value(request, "kind") or "").upper() or None
        scope = (query_value(request, "scope") or "").upper() or None
        if kind not in (None, EVENT_TYPE, IDENTITY_FIELD):
            raise InvalidInput(f"kind must be {EVENT_TYPE} or {IDENTITY_FIELD}")
        if scope not in (None, *SCOPES):
            raise InvalidInput("scope must be GLOBAL or CUSTOMER")
        found: list[MappingOut] = []
        if scope in (None, "CUSTOMER"):
            with read_models.current(TRACKING) as conn:
                found += [customer_mapping_out(r) for r in team_mappings(conn, caller.customer_id)]
        if scope in (None, "GLOBAL"):
            found += _global_out()
        return [m for m in found if kind is None or m.kind == kind]

    @put(sync_to_thread=True, guards=[admin])
    def put_mapping(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        body: RawBody,
    ) -> MappingOut:
        asked = decode_body(body, MappingIn)
        description = (asked.description or "").strip() or None
        rule, position = tracking.put_mapping(caller.customer_id, asked.kind, asked.source, asked.target, description)
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

    @delete("/{mapping_id:str}", status_code=204, sync_to_thread=True, guards=[admin])
    def delete_mapping(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        mapping_id: FromPath[str],
    ) -> None:
        try:
            position = tracking.remove_mapping(caller.customer_id, UUID(mapping_id))
        except (ValueError, MappingNotFound):
            raise NotFound("Mapping not found") from None
        read_models.reach(TRACKING, position)
