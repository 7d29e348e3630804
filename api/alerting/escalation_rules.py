"""Escalation rules (manual §11.2): every team member reads them and previews conditions; admins create,
change and delete them. The slug comes from the name at creation and stays when the rule is renamed.
Deleting a rule keeps the escalations it opened, marked as belonging to a deleted rule."""

from datetime import UTC, datetime

from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.alerting.schemas.escalations import EscalationPreviewOut, identity_reference
from api.alerting.schemas.rules import (
    EscalationRuleIn,
    EscalationRuleOut,
    EscalationRulePatchIn,
    PreviewIn,
    escalation_rule_out,
    given,
    row_of,
)
from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound, responses
from api.guards import admin
from api.http import paging, path_value
from api.schemas import PageOut, page_out
from application.alerting import application as alerting_app
from application.alerting.application import AlertingApplication
from application.alerting.rules import (
    change_escalation_rule,
    create_escalation_rule,
    delete_escalation_rule,
    escalation_conditions,
)
from domain.alerting.conditions import Condition
from projections.alerting.queries.matching import count_and_sample
from projections.alerting.queries.rules import ESCALATION_RULE_SORTS, escalation_rule, list_escalation_rules
from projections.paging import PageRequest
from projections.read_models import ALERTING, SCORING, TRACKING, ReadModels
from projections.times import to_micros

NOT_FOUND = "Escalation rule not found"


class EscalationRuleController(TeamController):
    path = "/api/escalation-rules"
    dependencies = {"page": paging(ESCALATION_RULE_SORTS, "createdAt")}  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def list_escalation_rules(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
    ) -> PageOut[EscalationRuleOut]:
        """The team's escalation rules, the newest first unless sorted otherwise."""
        with read_models.current(ALERTING) as conn:
            found = list_escalation_rules(conn, caller.customer_id, page)
        return page_out(found, [escalation_rule_out(r) for r in found.rows])

    @post(sync_to_thread=True, guards=[admin], responses=responses(400, 401, 403, 409, 429))
    def create_escalation_rule(
        self,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        data: JSONBody[EscalationRuleIn],
    ) -> EscalationRuleOut:
        """A new escalation rule; its slug is made from the name (409 if the team has a rule with that slug).
        Every channel must be one of the team's, by slug."""
        fields = given(data)
        if fields.get("effective_at") is None:
            fields.pop("effective_at", None)  # null or absent: from now
        return escalation_rule_out(row_of(create_escalation_rule(alerting, caller.customer_id, fields)))

    @post("/preview", status_code=200, sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def preview_escalation_rule(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        data: JSONBody[PreviewIn],
    ) -> EscalationPreviewOut:
        """How many of the team's identities the conditions match now, and up to 20 of them. Nothing is saved."""
        conditions = tuple(Condition.from_dict(c) for c in escalation_conditions(given(data)["conditions"]))
        now = to_micros(datetime.now(UTC))
        # Scores and analyzer badges come from the scoring log, identities from tracking, rule badges from alerting.
        with read_models.current(TRACKING, SCORING, ALERTING) as conn:
            count, sample = count_and_sample(conn, caller.customer_id, conditions, now)
        return EscalationPreviewOut(count, [identity_reference(r["identity_id"], r["display_name"]) for r in sample])

    @get("/{slug:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def get_escalation_rule(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels], slug: FromPath[str]
    ) -> EscalationRuleOut:
        with read_models.current(ALERTING) as conn:
            row = escalation_rule(conn, caller.customer_id, path_value(slug))
        if row is None:
            raise NotFound(NOT_FOUND)
        return escalation_rule_out(row)

    @patch("/{slug:str}", sync_to_thread=True, guards=[admin], responses=responses(400, 401, 403, 404, 429))
    def change_escalation_rule(
        self,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        slug: FromPath[str],
        data: JSONBody[EscalationRulePatchIn],
    ) -> EscalationRuleOut:
        """Change the fields sent (each a new rule version); renaming keeps the slug."""
        try:
            rule = change_escalation_rule(alerting, caller.customer_id, path_value(slug), given(data))
        except alerting_app.NotFound:
            raise NotFound(NOT_FOUND) from None
        return escalation_rule_out(row_of(rule))

    @delete(
        "/{slug:str}",
        status_code=204,
        sync_to_thread=True,
        guards=[admin],
        responses=responses(400, 401, 403, 404, 429),
    )
    def delete_escalation_rule(
        self, caller: NamedDependency[Caller], alerting: NamedDependency[AlertingApplication], slug: FromPath[str]
    ) -> None:
        """Irreversible; the escalations it opened stay, marked as belonging to a deleted rule."""
        try:
            delete_escalation_rule(alerting, caller.customer_id, path_value(slug))
        except alerting_app.NotFound:
            raise NotFound(NOT_FOUND) from None
