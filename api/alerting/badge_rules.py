"""Badge rules (manual §12): every team member reads them; admins create, change, delete and backtest them.
The slug comes from the name at creation and stays when the rule is renamed."""

from api.alerting.rule_controller import RuleController, RuleKind
from api.alerting.schemas.backtest import BadgeRuleBacktestIn
from api.alerting.schemas.rules import BadgeRuleIn, BadgeRuleOut, BadgeRulePatchIn, badge_rule_out
from application.alerting.rules import (
    BADGE_RULE,
    badge_rule_draft,
    change_badge_rule,
    create_badge_rule,
    delete_badge_rule,
)
from domain.team.activity import Kind
from projections.alerting.queries.rules import BADGE_RULE_SORTS, badge_rule, list_badge_rules

BADGE_RULES = RuleKind(
    noun="badge rule",
    path="/api/badge-rules",
    body=BadgeRuleIn,
    patch_body=BadgeRulePatchIn,
    out=BadgeRuleOut,
    to_out=badge_rule_out,
    sorts=BADGE_RULE_SORTS,
    listed=list_badge_rules,
    by_slug=badge_rule,
    create=create_badge_rule,
    change=change_badge_rule,
    delete=delete_badge_rule,
    about_create="A new badge rule; its slug is made from the name (409 if the team has a rule with that slug).",
    about_delete="The rule stops giving its badge; its slug is free for a new rule.",
    logged=(Kind.BADGE_RULE_CREATED, Kind.BADGE_RULE_CHANGED, Kind.BADGE_RULE_DELETED),
    kind=BADGE_RULE,
    backtest_body=BadgeRuleBacktestIn,
    draft=lambda _alerting, _customer, fields: badge_rule_draft(fields),
)


class BadgeRuleController(RuleController, kind=BADGE_RULES):
    pass
