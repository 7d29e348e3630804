"""Escalation rules (manual §11.2): every team member reads them and previews conditions; admins create,
change, delete and backtest them. The slug comes from the name at creation and stays when the rule is renamed.
Deleting a rule keeps the escalations it opened, marked as belonging to a deleted rule."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from api.alerting.rule_controller import RuleController, RuleKind
from api.alerting.schemas.backtest import EscalationRuleBacktestIn
from api.alerting.schemas.escalations import EscalationPreviewOut, identity_reference
from api.alerting.schemas.rules import (
    EscalationRuleIn,
    EscalationRuleOut,
    EscalationRulePatchIn,
    PreviewIn,
    escalation_rule_out,
    given,
)
from api.auth import Caller
from api.errors import responses
from application.alerting.application import AlertingApplication
from application.alerting.rules import (
    ESCALATION_RULE,
    change_escalation_rule,
    create_escalation_rule,
    delete_escalation_rule,
    escalation_conditions,
    escalation_rule_draft,
)
from domain.alerting.conditions import Condition
from domain.alerting.rules import EscalationRule
from domain.team.activity import Kind
from domain.times import to_micros
from projections.alerting.queries.matching import count_and_sample
from projections.alerting.queries.rules import ESCALATION_RULE_SORTS, escalation_rule, list_escalation_rules
from projections.read_models import ALERTING, SCORING, TRACKING, ReadModels


def _create(alerting: AlertingApplication, customer_id: UUID, fields: dict[str, Any]) -> EscalationRule:
    if fields.get("effective_at") is None:
        fields.pop("effective_at", None)  # null or absent: from now
    return create_escalation_rule(alerting, customer_id, fields)


def preview(read_models: ReadModels, caller: Caller, raw_conditions: object) -> tuple[int, list[dict[str, Any]]]:
    """How many of the team's identities these conditions match now, and up to 20 of them (the API's and the
    dashboard's live preview); InvalidInput for conditions a rule could not hold."""
    conditions = tuple(Condition.from_dict(c) for c in escalation_conditions(raw_conditions))
    now = to_micros(datetime.now(UTC))
    # Scores and analyzer badges come from the scoring log, identities from tracking, rule badges from alerting.
    with read_models.current(TRACKING, SCORING, ALERTING) as conn:
        return count_and_sample(conn, caller.customer_id, conditions, now)


ESCALATION_RULES = RuleKind(
    noun="escalation rule",
    path="/api/escalation-rules",
    body=EscalationRuleIn,
    patch_body=EscalationRulePatchIn,
    out=EscalationRuleOut,
    to_out=escalation_rule_out,
    sorts=ESCALATION_RULE_SORTS,
    listed=list_escalation_rules,
    by_slug=escalation_rule,
    create=_create,
    change=change_escalation_rule,
    delete=delete_escalation_rule,
    about_create="A new escalation rule; its slug is made from the name (409 if the team has a rule with that slug).\n"
    "Every channel must be one of the team's, by slug.",
    about_delete="Irreversible; the escalations it opened stay, marked as belonging to a deleted rule.",
    logged=(Kind.ESCALATION_RULE_CREATED, Kind.ESCALATION_RULE_CHANGED, Kind.ESCALATION_RULE_DELETED),
    kind=ESCALATION_RULE,
    backtest_body=EscalationRuleBacktestIn,
    draft=escalation_rule_draft,
)


class EscalationRuleController(RuleController, kind=ESCALATION_RULES):
    @post("/preview", status_code=200, sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def preview_escalation_rule(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        data: JSONBody[PreviewIn],
    ) -> EscalationPreviewOut:
        """How many of the team's identities the conditions match now, and up to 20 of them. Nothing is saved."""
        count, sample = preview(read_models, caller, given(data)["conditions"])
        return EscalationPreviewOut(count, [identity_reference(r["identity_id"], r["display_name"]) for r in sample])
