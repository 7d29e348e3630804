"""Badge rules (manual §12): every team member reads them; admins create, change and delete them.
The slug comes from the name at creation and stays when the rule is renamed."""

from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.alerting.schemas.rules import BadgeRuleIn, BadgeRuleOut, BadgeRulePatchIn, badge_rule_out, given, row_of
from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound, responses
from api.guards import admin
from api.http import paging, path_value
from api.schemas import PageOut, page_out
from application.alerting import application as alerting_app
from application.alerting.application import AlertingApplication
from application.alerting.rules import change_badge_rule, create_badge_rule, delete_badge_rule
from projections.alerting.queries.rules import BADGE_RULE_SORTS, badge_rule, list_badge_rules
from projections.paging import PageRequest
from projections.read_models import ALERTING, ReadModels

NOT_FOUND = "Badge rule not found"


class BadgeRuleController(TeamController):
    path = "/api/badge-rules"
    dependencies = {"page": paging(BADGE_RULE_SORTS, "createdAt")}  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def list_badge_rules(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
    ) -> PageOut[BadgeRuleOut]:
        """The team's badge rules, the newest first unless sorted otherwise."""
        with read_models.current(ALERTING) as conn:
            found = list_badge_rules(conn, caller.customer_id, page)
        return page_out(found, [badge_rule_out(r) for r in found.rows])

    @post(sync_to_thread=True, guards=[admin], responses=responses(400, 401, 403, 409, 429))
    def create_badge_rule(
        self,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        data: JSONBody[BadgeRuleIn],
    ) -> BadgeRuleOut:
        """A new badge rule; its slug is made from the name (409 if the team has a rule with that slug)."""
        return badge_rule_out(row_of(create_badge_rule(alerting, caller.customer_id, given(data))))

    @get("/{slug:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def get_badge_rule(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels], slug: FromPath[str]
    ) -> BadgeRuleOut:
        with read_models.current(ALERTING) as conn:
            row = badge_rule(conn, caller.customer_id, path_value(slug))
        if row is None:
            raise NotFound(NOT_FOUND)
        return badge_rule_out(row)

    @patch("/{slug:str}", sync_to_thread=True, guards=[admin], responses=responses(400, 401, 403, 404, 429))
    def change_badge_rule(
        self,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        slug: FromPath[str],
        data: JSONBody[BadgeRulePatchIn],
    ) -> BadgeRuleOut:
        """Change the fields sent (each a new rule version); renaming keeps the slug."""
        try:
            rule = change_badge_rule(alerting, caller.customer_id, path_value(slug), given(data))
        except alerting_app.NotFound:
            raise NotFound(NOT_FOUND) from None
        return badge_rule_out(row_of(rule))

    @delete(
        "/{slug:str}",
        status_code=204,
        sync_to_thread=True,
        guards=[admin],
        responses=responses(400, 401, 403, 404, 429),
    )
    def delete_badge_rule(
        self, caller: NamedDependency[Caller], alerting: NamedDependency[AlertingApplication], slug: FromPath[str]
    ) -> None:
        """The rule stops giving its badge; its slug is free for a new rule."""
        try:
            delete_badge_rule(alerting, caller.customer_id, path_value(slug))
        except alerting_app.NotFound:
            raise NotFound(NOT_FOUND) from None
