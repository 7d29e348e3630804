"""The devices and events pages: what the team's identities were seen on, and what they did, the latest first,
each searchable and linked to the identities it concerns."""

from typing import Annotated, Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from api.auth import Caller
from api.dashboard.templates import COUNTED, Viewer, page, paged
from api.http import MAX_TERM
from projections.paging import PageRequest
from projections.read_models import TRACKING, ReadModels
from projections.tracking.queries.devices import DeviceFilter, device_identities, list_devices
from projections.tracking.queries.events import EventFilter, list_events
from projections.tracking.queries.identities import display_names

PAGE_SIZE = 50
PAGE = QueryParameter(name="page", ge=0, le=100_000)


def _text(name: str, max_length: int = MAX_TERM) -> Any:
    return QueryParameter(name=name, max_length=max_length, pattern="^[^\x00]*$")


class ActivityPages(Controller):
    include_in_schema = False

    @get("/devices", sync_to_thread=True)
    def devices(
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        term: Annotated[str, _text("term")] = "",
        page_number: Annotated[int, PAGE] = 0,
    ) -> Template:
        """Every device: where and on what it was seen, and who used it."""
        asked = PageRequest(page_number=page_number, page_size=PAGE_SIZE, sort="lastSeenAt", count_limit=COUNTED)
        with read_models.current(TRACKING) as conn:
            found = list_devices(conn, caller.customer_id, DeviceFilter(term=term or None), asked)
            used = device_identities(conn, caller.customer_id, [r["fingerprint"] for r in found.rows])
        context = page(viewer, "devices", used=used, **paged("/devices", {"term": term}, found))
        return Template(template_name="devices.html", context=context)

    @get("/events", sync_to_thread=True)
    def events(  # noqa: PLR0913 - the list's filters and page
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        term: Annotated[str, _text("term")] = "",
        identity: Annotated[str, _text("identity", 255)] = "",
        device: Annotated[str, _text("device", 128)] = "",
        page_number: Annotated[int, PAGE] = 0,
    ) -> Template:
        """Every event, the latest first: by free text, identity or device."""
        filters = EventFilter(term=term or None, identity=identity or None, device=device or None)
        asked = PageRequest(page_number=page_number, page_size=PAGE_SIZE, sort="timestamp", count_limit=COUNTED)
        with read_models.current(TRACKING) as conn:
            found = list_events(conn, caller.customer_id, filters, asked)
            names = display_names(conn, caller.customer_id, {r["identity_id"] for r in found.rows if r["identity_id"]})
        query = {"term": term, "identity": identity, "device": device}
        context = page(viewer, "events", names=names, **paged("/events", query, found))
        return Template(template_name="events.html", context=context)
