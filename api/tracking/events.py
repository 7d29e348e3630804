"""GET /api/events and GET /api/events/{id}."""

from typing import Annotated, Any

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath

from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound, responses
from api.http import MAX_TERM, group_type_filter, optional, paging, path_value, text_query
from api.schemas import PageOut, page_out
from api.tracking.schemas.events import EventOut, event_out
from projections.paging import PageRequest
from projections.read_models import TRACKING, ReadModels
from projections.tracking.queries import groups as group_queries
from projections.tracking.queries import identities as identity_queries
from projections.tracking.queries.events import SORTS, EventFilter, get_event, list_events


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
    dependencies = {"page": paging(SORTS, "timestamp")}  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def list_events(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
        identity: Annotated[str | None, text_query("identity", "only this identity's events")] = None,
        group: Annotated[str | None, text_query("group", "only events that carried the group with this id")] = None,
        group_type: Annotated[
            str | None, text_query("groupType", "only events that carried a group of this type")
        ] = None,
        device: Annotated[str | None, text_query("device", "only events from this device fingerprint")] = None,
        session: Annotated[str | None, text_query("session", "only events of this tracker session")] = None,
        term: Annotated[str | None, text_query("term", "free text over names and data", MAX_TERM)] = None,
    ) -> PageOut[EventOut]:
        """The team's events, newest first unless sorted otherwise."""
        filters = EventFilter(
            identity=optional(identity),
            group=optional(group),
            group_type=group_type_filter(group_type),
            device=optional(device),
            session=optional(session),
            term=optional(term),
        )
        with read_models.current(TRACKING) as conn:
            result = list_events(conn, caller.customer_id, filters, page)
            return page_out(result, _render(conn, caller, result.rows))

    @get("/{event_id:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def get_event(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels], event_id: FromPath[str]
    ) -> EventOut:
        with read_models.current(TRACKING) as conn:
            row = get_event(conn, caller.customer_id, path_value(event_id))
            if row is None:
                raise NotFound("Event not found")
            return _render(conn, caller, [row])[0]
