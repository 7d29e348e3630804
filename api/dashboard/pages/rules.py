"""The rules page: the team's badge and escalation rules, each described in words, a form for a new one of each
kind and a page to change one (an escalation rule's form shows, as its conditions are edited, how many identities
they match now: the same preview as POST /api/escalation-rules/preview; either kind's form tries its draft on the
team's past decisions: the same backtest as POST /api/…-rules/backtest), and deleting one. Admins change and backtest
rules; every member reads them and may preview."""

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from adapters.bootstrap import Container
from api.alerting.backtest import backtest
from api.alerting.badge_rules import BADGE_RULES
from api.alerting.escalation_rules import ESCALATION_RULES, preview
from api.alerting.rule_controller import RuleKind, change_rule, create_rule, delete_rule
from api.auth import Caller
from api.dashboard.forms import FORM, refusable
from api.dashboard.templates import Viewer, page
from api.errors import NotFound
from api.http import path_value
from api.team.activity import RequestActivity
from application.alerting import application as alerting_app
from application.alerting.application import AlertingApplication
from domain.alerting.backtest import CLOSES, GAIN, LOSE, OPENS
from domain.alerting.conditions import AGE_KINDS, BADGE_KINDS, CATEGORIES, MAX_CONDITIONS, SCORE_KINDS, Condition
from domain.alerting.rules import SEVERITIES
from domain.errors import InvalidInput
from projections.paging import PageRequest
from projections.read_models import ALERTING, ReadModels

ROWS = 3  # condition rows on a new rule's form; a rule being changed shows its own and one more
KINDS: dict[str, RuleKind] = {"badge": BADGE_RULES, "escalation": ESCALATION_RULES}
BADGE_TYPES = ("BAD", "GOOD", "NEUTRAL")
EVERY_RULE = PageRequest(page_size=100, sort="name", descending=False)


# A rule's form: its name, its kind's type or severity, whether it is enabled (a checkbox: absent when off), and
# up to MAX_CONDITIONS condition rows, each a kind, a category (score kinds) and a value.
RuleForm = msgspec.defstruct(
    "RuleForm",
    [("name", str, ""), ("type", str, "BAD"), ("severity", str, "WARNING"), ("enabled", str, "")]
    + [(f"{part}_{row}", str, "") for row in range(MAX_CONDITIONS) for part in ("kind", "category", "value")],
)
# The same form sent by its Backtest button: which kind of rule, the rule it would change (its page's), the window.
BacktestForm = msgspec.defstruct(
    "BacktestForm",
    [("backtest_kind", str, ""), ("backtest_slug", str, ""), ("backtest_from", str, ""), ("backtest_to", str, "")],
    bases=(RuleForm,),
)
FIRST_CHANGES = PageRequest(page_size=25, sort="at", descending=False)


def rows_of(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A rule's conditions as the form's rows (kind, category, value), and one empty row to add another."""
    rows = [{"kind": c["condition"], "category": c.get("category") or "",
             "value": next((v for k in ("threshold", "badge", "seconds") if (v := c.get(k)) is not None), "")}
            for c in conditions]  # fmt: skip
    return rows + [{}] * (len(rows) < MAX_CONDITIONS)


def rows_sent(form: Any) -> list[dict[str, Any]]:
    """The condition rows as the person filled them (a RuleForm), to show again; blank ones to add more."""
    rows = [{"kind": kind, "category": getattr(form, f"category_{row}"), "value": getattr(form, f"value_{row}")}
            for row in range(MAX_CONDITIONS) if (kind := getattr(form, f"kind_{row}"))]  # fmt: skip
    return rows + [{}] * max(ROWS - len(rows), int(len(rows) < MAX_CONDITIONS))


def conditions_of(form: Any) -> list[dict[str, Any]]:
    """The rows the person filled (a RuleForm), as the API's conditions; InvalidInput with the row's number
    otherwise."""
    found: list[dict[str, Any]] = []
    for row in range(MAX_CONDITIONS):
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


def _template(name: str, viewer: Viewer, **extra: Any) -> Template:
    status = extra.pop("status", 200)
    context = page(viewer, "settings", tab="rules", severities=SEVERITIES, badge_types=BADGE_TYPES,
                   categories=CATEGORIES, score_kinds=sorted(SCORE_KINDS), badge_kinds=sorted(BADGE_KINDS),
                   age_kinds=sorted(AGE_KINDS), **extra)  # fmt: skip
    return Template(template_name=name, context=context, status_code=status)


def _kind(kind: str) -> RuleKind:
    if kind not in KINDS:
        raise NotFound("No such kind of rule")
    return KINDS[kind]


class RulePages(Controller):
    include_in_schema = False
    path = "/settings/rules"

    def _render(self, viewer: Viewer, read_models: ReadModels, caller: Caller, **extra: Any) -> Template:
        with read_models.current(ALERTING) as conn:
            listed = {name: kind.listed(conn, caller.customer_id, EVERY_RULE).rows for name, kind in KINDS.items()}
        described = {name: [_described(r) for r in rows] for name, rows in listed.items()}
        return _template("settings/rules.html", viewer, rules=described, rows=[{}] * ROWS, **extra)

    def _edit_page(self, viewer: Viewer, rule: dict[str, Any], kind: str, **extra: Any) -> Template:
        return _template("settings/rule.html", viewer, rule=rule, kind=kind, rows=rows_of(rule["conditions"]), **extra)

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

    @post("/backtest", sync_to_thread=True)
    def backtest(  # noqa: PLR0913 - the form, who asks, and the stores the replay reads
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        container: NamedDependency[Container],
        data: Annotated[BacktestForm, FORM],  # type: ignore[valid-type]
    ) -> Template:
        """The form's draft tried on the team's decisions in the window (POST /api/…-rules/backtest's replay), shown
        in the form's Backtest panel: the page the form is on comes back with it, and htmx takes the panel alone."""
        name, slug = data.backtest_kind, data.backtest_slug or None
        kind = _kind(name)
        row = _rule_row(read_models, caller, name, slug) if slug is not None else None
        panel: dict[str, Any] = {"kind": name, "from": data.backtest_from, "to": data.backtest_to}
        with refusable() as refused:
            fields = {**_fields(name, data), "enabled": bool(data.enabled) if row is not None else True}
            draft = kind.draft(container.alerting, caller.customer_id, fields)
            window = (data.backtest_from or None, data.backtest_to or None)
            tried = backtest(container, read_models, caller.customer_id, kind.kind, draft, slug, window, FIRST_CHANGES)
            panel.update(tried=tried, counts={c: tried.result.outcome.count(c) for c in (GAIN, LOSE, OPENS, CLOSES)})
        if refused:
            panel["error"] = refused.error
        shown = {"name": data.name, "type": data.type, "severity": data.severity, "enabled": bool(data.enabled),
                 "rows": rows_sent(data)}  # fmt: skip
        if row is not None:
            return self._edit_page(viewer, row, name, draft=shown, backtest=panel)
        return self._render(viewer, read_models, caller, drafts={name: shown}, backtest=panel)

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
        with refusable() as refused:
            fields = _fields(kind, data)
            create_rule(_kind(kind), alerting, activity, caller, fields, dict(fields))
        if refused:
            return self._render(viewer, read_models, caller, **refused.shown)
        return Redirect("/settings/rules", status_code=303)

    @get("/{kind:str}/{slug:str}", sync_to_thread=True)
    def rule(  # noqa: PLR0913 - which rule, and who asks
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        kind: FromPath[str],
        slug: FromPath[str],
    ) -> Template:
        """A rule's page: what it says, and for admins the form that changes it."""
        return self._edit_page(viewer, _rule_row(read_models, caller, kind, slug), kind)

    @post("/{kind:str}/{slug:str}", sync_to_thread=True)
    def change(  # noqa: PLR0913 - which rule, the form, and the parts that change it
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        alerting: NamedDependency[AlertingApplication],
        activity: NamedDependency[RequestActivity],
        kind: FromPath[str],
        slug: FromPath[str],
        data: Annotated[RuleForm, FORM],  # type: ignore[valid-type]
    ) -> Template | Redirect:
        """A new version of the rule: its name, type or severity, conditions, and whether it is enabled."""
        row = _rule_row(read_models, caller, kind, slug)
        try:
            with refusable() as refused:
                fields = {**_fields(kind, data), "enabled": bool(data.enabled)}
                change_rule(_kind(kind), alerting, activity, caller, row["slug"], fields, dict(fields))
        except alerting_app.NotFound:  # outside the block: the page's 404 is not a refusal told on the form
            raise NotFound("Rule not found") from None
        if refused:
            return self._edit_page(viewer, row, kind, **refused.shown)
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
        try:
            delete_rule(_kind(kind), alerting, activity, caller, path_value(slug))
        except alerting_app.NotFound:
            raise NotFound("Rule not found") from None
        return Redirect("/settings/rules", status_code=303)


def _fields(kind: str, form: Any) -> dict[str, Any]:
    """A RuleForm's rule, as the API's body gives it."""
    fields: dict[str, Any] = {"name": form.name, "conditions": conditions_of(form)}
    fields.update({"type": form.type} if kind == "badge" else {"severity": form.severity})
    return fields


def _rule_row(read_models: ReadModels, caller: Caller, kind: str, slug: str) -> dict[str, Any]:
    with read_models.current(ALERTING) as conn:
        row = _kind(kind).by_slug(conn, caller.customer_id, path_value(slug))
    if row is None:
        raise NotFound("Rule not found")
    return _described(row)


def _described(row: dict[str, Any]) -> dict[str, Any]:
    """A rule's row with its conditions in words, as its pages show them."""
    return {**row, "described": [Condition.from_dict(c).describe() for c in row["conditions"]]}
