"""GET /api/events and GET /api/events/{id}."""

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound
from api.http import page_request, path_value, query_group_type, query_value
from api.schemas import PageOut, page_out
from api.tracking.schemas.events import EventOut, event_out
from projections.read_models import TRACKING, ReadModels
from projections.tracking.queries import groups as group_queries
from projections.tracking.queries import identities as identity_queries
from projections.tracking.queries.events import EventFilter, get_event, list_events


def _render(conn: Any, caller: Caller, rows: list[dict[str, Any]]) -> list[EventOut]:
    identity_labels = identity_queries.display_names(
        conn, caller.customer_id, {r["identity_id"] for r in rows if r["identity_id"] is not None}
    )
    group_labels = group_queries.display_names(
        conn, caller.customer_id, {(g["type"], g["id"]) for r in rows for g in r["groups"]}
    )
    return [event_out(r, identity_labels, group_labels) for r in rows]


class EventController(TeamController):
    path = "/api/events"

    @get(sync_to_thread=True)
    def list_events(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels]
    ) -> PageOut[EventOut]:
        page = page_request(request)
        filters = EventFilter(
            identity=query_value(request, "identity"),
            group=query_value(request, "group"),
            group_type=query_group_type(request),
            device=query_value(request, "device"),
            session=query_value(request, "session"),
            term=query_value(request, "term"),
        )
        with read_models.current(TRACKING) as conn:
            result = list_events(conn, caller.customer_id, filters, page)
            return page_out(result, _render(conn, caller, result.rows))

    @get("/{event_id:str}", sync_to_thread=True)
    def get_event(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels], event_id: FromPath[str]
    ) -> EventOut:
        with read_models.current(TRACKING) as conn:
            row = get_event(conn, caller.customer_id, path_value(event_id))
            if row is None:
                raise NotFound("Event not found")
            return _render(conn, caller, [row])[0]
