"""Escalations (contract §10): list, counts by status, one by its integer id, and a person's move
(acknowledge, close). PENDING and CANCELLED ones were never shown to anyone: they are listed only
when asked for by status."""

from typing import Annotated, Any

from litestar import get, patch
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from sqlalchemy import Connection

from adapters.bootstrap import Container
from api.alerting.schemas.escalations import (
    EscalationOut,
    EscalationPatchIn,
    EscalationSummaryOut,
    escalation_out,
)
from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound, responses
from api.http import PATTERN_RULES, any_case, optional, paging, path_value, text_query
from api.schemas import PageOut, page_out
from application.alerting import application as alerting_app
from application.alerting.application import AlertingApplication
from application.alerting.escalations import move
from domain.alerting.escalation import STATUSES
from domain.alerting.rules import SEVERITIES
from projections.alerting.queries.escalations import SORTS, EscalationFilter, get_escalation, list_escalations, summary
from projections.alerting.queries.rules import escalation_rule_names
from projections.paging import PageRequest
from projections.read_models import ALERTING, ReadModels
from projections.tracking.queries.identities import display_names

NOT_FOUND = "Escalation not found"
MAX_NUMBER = 2**31 - 1  # an escalation's number is an integer column
STATUS = any_case(*STATUSES)
SEVERITY = any_case(*SEVERITIES)
PATTERN_RULES[STATUS] = "must be one of OPEN, ACKNOWLEDGED, CLOSED (or PENDING, CANCELLED)"
PATTERN_RULES[SEVERITY] = "must be one of INFO, WARNING, CRITICAL"


def _number(raw: str) -> int:
    """Escalation ids are integers: anything else (`abc`, `None`) names no escalation."""
    value = path_value(raw)
    if not value.isascii() or not value.isdigit() or int(value) > MAX_NUMBER:
        raise NotFound(NOT_FOUND)
    return int(value)


def _out(conn: Connection, caller: Caller, rows: list[dict[str, Any]]) -> list[EscalationOut]:
    labels = display_names(conn, caller.customer_id, {r["identity_id"] for r in rows})
    rules = escalation_rule_names(conn, caller.customer_id, {r["rule_number"] for r in rows})
    return [escalation_out(r, labels.get(r["identity_id"]), rules.get(r["rule_number"])) for r in rows]


def _by(container: Container, caller: Caller) -> str:
    """Who moved it: a person by email; a server key as `api:<the key's name>`."""
    if caller.email is not None:
        return caller.email
    if caller.credential_id is not None:
        credential = container.accounts.credential(caller.credential_id)
        if credential is not None:
            return f"api:{credential.name}"
    return "api"


class EscalationController(TeamController):
    path = "/api/escalations"
    dependencies = {"page": paging(SORTS, "createdAt")}  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def list_escalations(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
        status: Annotated[
            str | None,
            QueryParameter(
                name="status",
                pattern=STATUS,
                description="OPEN, ACKNOWLEDGED or CLOSED (any case); PENDING and CANCELLED ones only when "
                "asked for. Default: OPEN, ACKNOWLEDGED and CLOSED",
            ),
        ] = None,
        severity: Annotated[
            str | None, QueryParameter(name="severity", pattern=SEVERITY, description="INFO, WARNING or CRITICAL")
        ] = None,
        identity: Annotated[str | None, text_query("identity", "escalations of the identity with this id")] = None,
        rule: Annotated[
            str | None, text_query("rule", "escalations opened by the escalation rule with this id (number) or slug")
        ] = None,
        include_deleted_rules: Annotated[
            bool, QueryParameter(name="includeDeletedRules", description="include escalations of deleted rules")
        ] = True,
    ) -> PageOut[EscalationOut]:
        """The team's escalations, the newest first unless sorted otherwise (openedAt, severity, createdAt…)."""
        rule = optional(rule)
        filters = EscalationFilter(
            status=status.upper() if status else None,
            severity=severity.upper() if severity else None,
            identity=optional(identity),
            rule_number=int(rule) if rule and rule.isascii() and rule.isdigit() and int(rule) <= MAX_NUMBER else None,
            rule_slug=rule,
            include_deleted_rules=include_deleted_rules,
        )
        with read_models.current(ALERTING) as conn:
            found = list_escalations(conn, caller.customer_id, filters, page)
            return page_out(found, _out(conn, caller, found.rows))

    @get("/summary", sync_to_thread=True, responses=responses(401, 403, 429))
    def escalation_summary(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels]
    ) -> EscalationSummaryOut:
        """How many of the team's escalations are in each status."""
        with read_models.current(ALERTING) as conn:
            counts = summary(conn, caller.customer_id)
        return EscalationSummaryOut(counts["OPEN"], counts["ACKNOWLEDGED"], counts["CLOSED"], counts["PENDING"])

    @get("/{escalation_id:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def get_escalation(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels], escalation_id: FromPath[str]
    ) -> EscalationOut:
        number = _number(escalation_id)
        with read_models.current(ALERTING) as conn:
            row = get_escalation(conn, caller.customer_id, number)
            if row is None:
                raise NotFound(NOT_FOUND)
            return _out(conn, caller, [row])[0]

    @patch("/{escalation_id:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def move_escalation(
        self,
        caller: NamedDependency[Caller],
        container: NamedDependency[Container],
        read_models: NamedDependency[ReadModels],
        alerting: NamedDependency[AlertingApplication],
        escalation_id: FromPath[str],
        data: JSONBody[EscalationPatchIn],
    ) -> EscalationOut:
        """Acknowledge (only an OPEN one) or close (an OPEN or ACKNOWLEDGED one); who and when are recorded."""
        number = _number(escalation_id)
        try:
            _, position = move(
                alerting,
                caller.customer_id,
                number,
                data.status.strip().upper(),
                _by(container, caller),
                container.working_delivery_queue(),
            )
        except alerting_app.NotFound:
            raise NotFound(NOT_FOUND) from None
        with read_models.at_least(ALERTING, position) as conn:
            row = get_escalation(conn, caller.customer_id, number)
            if row is None:
                raise NotFound(NOT_FOUND)
            return _out(conn, caller, [row])[0]
