"""The mappings page: the team's own names for event types and identity fields (which override Dregs's
defaults), the GLOBAL defaults, and for admins a form that adds or replaces a mapping and a button that deletes
one: the same functions as /api/mappings."""

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from api.auth import Caller
from api.dashboard.forms import FORM, refusable
from api.dashboard.templates import Viewer, page
from api.team.activity import RequestActivity
from api.tracking.mappings import mappings_of, remove_mapping, set_mapping
from application.tracking.application import TrackingApplication
from domain.tracking.mappings import (
    EVENT_TYPE,
    EVENT_TYPES,
    IDENTITY_FIELD,
    IDENTITY_FIELDS,
    MAX_DESCRIPTION,
    MAX_SOURCE,
)
from projections.read_models import ReadModels

TARGETS = {EVENT_TYPE: sorted(EVENT_TYPES), IDENTITY_FIELD: sorted(IDENTITY_FIELDS)}


class MappingForm(msgspec.Struct):
    kind: str = EVENT_TYPE
    source: str = ""
    target: str = ""
    description: str = ""


class MappingPages(Controller):
    include_in_schema = False
    path = "/settings/mappings"

    def _render(self, viewer: Viewer, read_models: ReadModels, caller: Caller, **extra: Any) -> Template:
        found = mappings_of(read_models, caller, None, None)
        status = extra.pop("status", 200)
        context = page(viewer, "settings", tab="mappings", targets=TARGETS, max_source=MAX_SOURCE,
                       max_description=MAX_DESCRIPTION,
                       own=[m for m in found if m.scope == "CUSTOMER"],
                       defaults=[m for m in found if m.scope == "GLOBAL"], **extra)  # fmt: skip
        return Template(template_name="settings/mappings.html", context=context, status_code=status)

    @get("/", sync_to_thread=True)
    def mappings(
        self, caller: NamedDependency[Caller], viewer: NamedDependency[Viewer], read_models: NamedDependency[ReadModels]
    ) -> Template:
        return self._render(viewer, read_models, caller)

    @post("/", sync_to_thread=True)
    def put(  # noqa: PLR0913 - the form, whose mapping, and the parts that record it
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        activity: NamedDependency[RequestActivity],
        data: Annotated[MappingForm, FORM],
    ) -> Template | Redirect:
        """Adds the mapping, or replaces the team's mapping of the same source (however spelled)."""
        with refusable() as refused:
            set_mapping(tracking, read_models, activity, caller, data.kind, data.source, data.target,
                        data.description)  # fmt: skip
        if refused:
            return self._render(viewer, read_models, caller, **refused.shown, asked=data)
        return Redirect("/settings/mappings", status_code=303)

    @post("/{mapping_id:str}/delete", sync_to_thread=True)
    def delete(  # noqa: PLR0913 - which mapping, and the parts that delete it
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        activity: NamedDependency[RequestActivity],
        mapping_id: FromPath[str],
    ) -> Template | Redirect:
        with refusable() as refused:
            remove_mapping(tracking, read_models, activity, caller, mapping_id)
        if refused:
            return self._render(viewer, read_models, caller, **refused.shown)
        return Redirect("/settings/mappings", status_code=303)
