"""The rules page: the team's badge and escalation rules, each described in words, a form for a new one of each
kind (an escalation rule's form shows, as its conditions are edited, how many identities they match now: the
same preview as POST /api/escalation-rules/preview), and deleting one. Admins change rules; every member reads
them and may preview."""

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from api.alerting.badge_rules import BADGE_RULES
from api.alerting.escalation_rules import ESCALATION_RULES, preview
from api.alerting.rule_controller import RuleKind, create_rule, delete_rule
from api.auth import Caller
from api.dashboard.forms import FORM, REFUSED, refusal
from api.dashboard.templates import Viewer, page
from api.errors import NotFound
from api.team.activity import RequestActivity
from application.alerting import application as alerting_app
from application.alerting.application import AlertingApplication
from domain.alerting.conditions import AGE_KINDS, BADGE_KINDS, CATEGORIES, SCORE_KINDS, Condition
from domain.alerting.rules import SEVERITIES
from domain.errors import InvalidInput
from projections.paging import PageRequest
from projections.read_models import ALERTING, ReadModels

ROWS = 3  # condition rows on a new rule's form
KINDS: dict[str, RuleKind] = {"badge": BADGE_RULES, "escalation": ESCALATION_RULES}
BADGE_TYPES = ("BAD", "GOOD", "NEUTRAL")
EVERY_RULE = PageRequest(page_size=100, sort="name", descending=False)


class RuleForm(msgspec.Struct):
    """A new rule's form; each of its ROWS condition rows is a kind, a category (score kinds) and a value."""

    name: str = ""
    type: str = "BAD"  # a badge rule's
    severity: str = "WARNING"  # an escalation rule's
    kind_0: str = ""
    category_0: str = ""
    value_0: str = ""
    kind_1: str = ""
    category_1: str = ""
    value_1: str = ""
    kind_2: str = ""
    category_2: str = ""
    value_2: str = ""


def conditions_of(form: RuleForm) -> list[dict[str, Any]]:
    """The rows the person filled, as the API's conditions; InvalidInput with the row's number otherwise."""
    found: list[dict[str, Any]] = []
    for row in range(ROWS):
        kind, value = getattr(form, f"kind_{row}"), getattr(form, f"value_{row}").strip()
        if not kind:
            continue
        if kind in BADGE_KINDS:
            found.append({"condition": kind, "badge": value})
            continue
        try:
            number = int(value)
        except ValueError:
            raise InvalidInput(f"condition {row + 1}: a whole number is needed") from None
        if kind in SCORE_KINDS:
            found.append({"condition": kind, "category": getattr(form, f"category_{row}"), "threshold": number})
        else:
            found.append({"condition": kind, "seconds": number})
    if not found:
        raise InvalidInput("Give the rule at least one condition")
    return found


class RulePages(Controller):
    include_in_schema = False
    path = "/settings/rules"

    def _render(self, viewer: Viewer, read_models: ReadModels, caller: Caller, **extra: Any) -> Template:
        with read_models.current(ALERTING) as conn:
            listed = {name: kind.listed(conn, caller.customer_id, EVERY_RULE).rows for name, kind in KINDS.items()}
        described = {name: [{**r, "described": [Condition.from_dict(c).describe() for c in r["conditions"]]}
                            for r in rows] for name, rows in listed.items()}  # fmt: skip
        status = extra.pop("status", 200)
        context = page(viewer, "settings", tab="rules", rules=described, rows=range(ROWS), severities=SEVERITIES,
                       badge_types=BADGE_TYPES, categories=CATEGORIES, score_kinds=sorted(SCORE_KINDS),
                       badge_kinds=sorted(BADGE_KINDS), age_kinds=sorted(AGE_KINDS), **extra)  # fmt: skip
        return Template(template_name="settings/rules.html", context=context, status_code=status)

    @get("/", sync_to_thread=True)
    def rules(
        self, caller: NamedDependency[Caller], viewer: NamedDependency[Viewer], read_models: NamedDependency[ReadModels]
    ) -> Template:
        return self._render(viewer, read_models, caller)

    @post("/preview", sync_to_thread=True)
    def preview(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        data: Annotated[RuleForm, FORM],
    ) -> Template:
        """The fragment the escalation rule's form swaps in as its conditions change."""
        try:
            count, sample = preview(read_models, caller, conditions_of(data))
        except InvalidInput as exc:
            return Template(template_name="settings/preview.html", context={"error": exc.message})
        return Template(template_name="settings/preview.html", context={"count": count, "sample": sample})

    @post("/{kind:str}", sync_to_thread=True)
    def create(  # noqa: PLR0913 - the form, who makes the rule, and the parts that make it
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        alerting: NamedDependency[AlertingApplication],
        activity: NamedDependency[RequestActivity],
        kind: FromPath[str],
        data: Annotated[RuleForm, FORM],
    ) -> Template | Redirect:
        if kind not in KINDS:
            raise NotFound("No such kind of rule")
        try:
            fields: dict[str, Any] = {"name": data.name, "conditions": conditions_of(data)}
            fields.update({"type": data.type} if kind == "badge" else {"severity": data.severity})
            create_rule(KINDS[kind], alerting, activity, caller, fields, dict(fields))
        except REFUSED as exc:
            error, status = refusal(exc)
            return self._render(viewer, read_models, caller, error=error, status=status)
        return Redirect("/settings/rules", status_code=303)

    @post("/{kind:str}/{slug:str}/delete", status_code=303, sync_to_thread=True)
    def delete(  # noqa: PLR0913 - which rule, and the parts that delete it
        self,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        activity: NamedDependency[RequestActivity],
        kind: FromPath[str],
        slug: FromPath[str],
    ) -> Redirect:
        if kind not in KINDS:
            raise NotFound("No such kind of rule")
        try:
            delete_rule(KINDS[kind], alerting, activity, caller, slug)
        except alerting_app.NotFound:
            raise NotFound("Rule not found") from None
        return Redirect("/settings/rules", status_code=303)
