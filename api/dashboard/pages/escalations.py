"""The escalations page: the team's escalations, filtered by status and severity, the newest first; members from
USER up acknowledge an open one and close an open or acknowledged one, as PATCH /api/escalations/{id} does."""

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from adapters.bootstrap import Container
from api.auth import Caller
from api.dashboard.templates import COUNTED, Viewer, page, paged
from api.errors import NotFound
from application.alerting import application as alerting_app
from application.alerting.application import AlertingApplication
from application.alerting.escalations import move
from projections.alerting.queries.escalations import EscalationFilter, list_escalations, summary
from projections.paging import PageRequest
from projections.read_models import ALERTING, ReadModels
from projections.tracking.queries.identities import display_names

PAGE_SIZE = 25
STATUSES = ("OPEN", "ACKNOWLEDGED", "CLOSED")
SEVERITIES = ("CRITICAL", "WARNING", "INFO")
MOVES = {"acknowledge": "ACKNOWLEDGED", "close": "CLOSED"}


class EscalationPages(Controller):
    include_in_schema = False

    @get("/escalations", sync_to_thread=True)
    def escalations(  # noqa: PLR0913 - the list's filters and page
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        status: Annotated[str | None, QueryParameter(name="status", pattern="^(OPEN|ACKNOWLEDGED|CLOSED)$")] = None,
        severity: Annotated[str | None, QueryParameter(name="severity", pattern="^(CRITICAL|WARNING|INFO)$")] = None,
        page_number: Annotated[int, QueryParameter(name="page", ge=0, le=100_000)] = 0,
    ) -> Template:
        filters = EscalationFilter(status=status, severity=severity)
        asked = PageRequest(page_number=page_number, page_size=PAGE_SIZE, sort="createdAt", count_limit=COUNTED)
        with read_models.current(ALERTING) as conn:
            found = list_escalations(conn, caller.customer_id, filters, asked)
            counts = summary(conn, caller.customer_id)
            names = display_names(conn, caller.customer_id, {r["identity_id"] for r in found.rows})
        listed = paged("/escalations", {"status": status or "", "severity": severity or ""}, found)
        context = page(viewer, "escalations", counts=counts, names=names, status=status, severity=severity,
                       statuses=STATUSES, severities=SEVERITIES, **listed)  # fmt: skip
        return Template(template_name="escalations.html", context=context)

    @post("/escalations/{number:int}/{action:str}", status_code=303, sync_to_thread=True)
    def move_escalation(  # noqa: PLR0913 - who moves which escalation how
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        container: NamedDependency[Container],
        read_models: NamedDependency[ReadModels],
        alerting: NamedDependency[AlertingApplication],
        number: FromPath[int],
        action: FromPath[str],
    ) -> Redirect:
        """Acknowledge or close it; back to the list, which shows the move."""
        if action not in MOVES:
            raise NotFound("No such action")
        try:
            _, position = move(alerting, caller.customer_id, number, MOVES[action], viewer.email,
                               container.working_delivery_queue())  # fmt: skip
        except alerting_app.NotFound:
            raise NotFound("Escalation not found") from None
        read_models.reach(ALERTING, position)
        return Redirect("/escalations", status_code=303)
