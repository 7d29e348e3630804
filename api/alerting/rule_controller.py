"""What badge rules and escalation rules share over HTTP (manual §11.2, §12): every team member lists and
reads a team's rules; admins create, change and delete them, each named by its slug. A kind's own module
gives what differs: its path, bodies, queries and commands, and the words of its operations."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from adapters.bootstrap import Container
from api.alerting.backtest import SORTS as BACKTEST_SORTS
from api.alerting.backtest import backtest, backtest_out
from api.alerting.schemas.backtest import BacktestOut
from api.alerting.schemas.rules import given, row_of
from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound, responses
from api.http import paging, path_value
from api.schemas import PageOut, page_out
from api.team.activity import RequestActivity
from application.alerting import application as alerting_app
from application.alerting.application import AlertingApplication
from application.alerting.backtest import BUDGET_SECONDS
from domain.alerting.backtest import Terms
from domain.alerting.rules import Rule
from domain.team.activity import Kind
from projections.paging import Page, PageRequest
from projections.read_models import ALERTING, ReadModels


@dataclass(frozen=True)
class RuleKind:
    noun: str  # "badge rule": the operations' names and the 404 message are made from it
    path: str
    body: type[msgspec.Struct]
    patch_body: type[msgspec.Struct]
    out: type[msgspec.Struct]
    to_out: Callable[[dict[str, Any]], Any]
    sorts: dict[str, Any]
    listed: Callable[[Any, UUID, PageRequest], Page]
    by_slug: Callable[[Any, UUID, str], dict[str, Any] | None]
    create: Callable[[AlertingApplication, UUID, dict[str, Any]], Rule]
    change: Callable[[AlertingApplication, UUID, str, dict[str, Any]], Rule]
    delete: Callable[[AlertingApplication, UUID, str], None]
    about_create: str
    about_delete: str
    logged: tuple[Kind, Kind, Kind]  # what the activity log calls its creation, change and deletion
    kind: str  # as the Alerting application names it: "badge-rule"
    backtest_body: type[msgspec.Struct]
    draft: Callable[[AlertingApplication, UUID, dict[str, Any]], Terms]  # the body's rule, checked, saved nowhere


def create_rule(  # noqa: PLR0913 - which kind, for whom, with what, and what the log shows of it
    kind: RuleKind,
    alerting: AlertingApplication,
    activity: RequestActivity,
    caller: Caller,
    fields: dict[str, Any],
    shown: dict[str, Any],
) -> Rule:
    """A new rule of the kind, logged with `shown` (the fields as the caller sent them): the API's and the
    dashboard's way."""
    rule = kind.create(alerting, caller.customer_id, fields)
    activity.note(kind.logged[0], rule.slug, {"version": rule.version, **shown})
    return rule


def change_rule(  # noqa: PLR0913 - which rule of which kind, for whom, the change, and what the log shows of it
    kind: RuleKind,
    alerting: AlertingApplication,
    activity: RequestActivity,
    caller: Caller,
    slug: str,
    fields: dict[str, Any],
    shown: dict[str, Any],
) -> Rule:
    """A new version of the rule with `fields` changed, logged with `shown`; application.alerting.application.NotFound
    if the team has none by that slug."""
    rule = kind.change(alerting, caller.customer_id, slug, fields)
    activity.note(kind.logged[1], rule.slug, {"version": rule.version, **shown})
    return rule


def delete_rule(
    kind: RuleKind, alerting: AlertingApplication, activity: RequestActivity, caller: Caller, slug: str
) -> None:
    """Delete the rule, logged; application.alerting.application.NotFound if the team has none by that slug."""
    kind.delete(alerting, caller.customer_id, slug)
    activity.note(kind.logged[2], slug)


class RuleController(TeamController):
    """A kind's controller: `class BadgeRuleController(RuleController, kind=BADGE_RULES)`."""

    def __init_subclass__(cls, *, kind: RuleKind, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.path = kind.path
        cls.dependencies = {"page": paging(kind.sorts, "createdAt")}
        for name, handler in _handlers(kind).items():
            # The function's name is the operation's (its OpenAPI id and summary), its docstring the description;
            # its place, the subclass's, as if written there (Litestar orders a controller's routes by it).
            handler.fn.__name__ = name
            handler.fn.__qualname__ = f"{cls.__qualname__}.{name}"
            handler.fn.__module__ = cls.__module__
            setattr(cls, name, handler)


def _handlers(kind: RuleKind) -> dict[str, Any]:
    one = kind.noun.replace(" ", "_")
    missing = kind.noun.capitalize() + " not found"
    Body, PatchBody, Out, TryBody = kind.body, kind.patch_body, kind.out, kind.backtest_body  # noqa: N806 - types

    @contextmanager
    def found() -> Iterator[None]:
        try:
            yield
        except alerting_app.NotFound:
            raise NotFound(missing) from None

    def listed(
        self: Any,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
    ) -> PageOut[Out]:  # type: ignore[valid-type]
        with read_models.current(ALERTING) as conn:
            rows = kind.listed(conn, caller.customer_id, page)
        return page_out(rows, [kind.to_out(r) for r in rows.rows])

    listed.__doc__ = f"The team's {kind.noun}s, the newest first unless sorted otherwise."

    def create(
        self: Any,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        activity: NamedDependency[RequestActivity],
        data: JSONBody[Body],  # type: ignore[valid-type]
    ) -> Out:  # type: ignore[valid-type]
        return kind.to_out(
            row_of(create_rule(kind, alerting, activity, caller, given(data), msgspec.to_builtins(data)))
        )

    create.__doc__ = kind.about_create

    def read(
        self: Any, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels], slug: FromPath[str]
    ) -> Out:  # type: ignore[valid-type]
        with read_models.current(ALERTING) as conn:
            row = kind.by_slug(conn, caller.customer_id, path_value(slug))
        if row is None:
            raise NotFound(missing)
        return kind.to_out(row)

    def change(
        self: Any,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        activity: NamedDependency[RequestActivity],
        slug: FromPath[str],
        data: JSONBody[PatchBody],  # type: ignore[valid-type]
    ) -> Out:  # type: ignore[valid-type]
        """Change the fields sent (each a new rule version); renaming keeps the slug."""
        with found():
            rule = change_rule(
                kind, alerting, activity, caller, path_value(slug), given(data), msgspec.to_builtins(data)
            )
        return kind.to_out(row_of(rule))

    def remove(
        self: Any,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        activity: NamedDependency[RequestActivity],
        slug: FromPath[str],
    ) -> None:
        with found():
            delete_rule(kind, alerting, activity, caller, path_value(slug))

    remove.__doc__ = kind.about_delete

    def tried(  # noqa: PLR0913 - who asks, the stores it reads, the page and the draft
        self: Any,
        caller: NamedDependency[Caller],
        container: NamedDependency[Container],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
        data: JSONBody[TryBody],  # type: ignore[valid-type]
    ) -> BacktestOut:
        with found():
            draft = kind.draft(container.alerting, caller.customer_id, given(data.rule))
            window = (data.start, data.end)
            result = backtest(container, read_models, caller.customer_id, kind.kind, draft, data.slug, window, page)
        return backtest_out(result)

    tried.__doc__ = (
        f"The team's recorded decisions in the window replayed under a draft {kind.noun} (the body that creates one), "
        f"against the {kind.noun} named by `slug` as it stood at each decision, or against none: which identities "
        "would fare differently, from when and until when, a page at a time. Nothing is saved. The replay stops "
        f"after {BUDGET_SECONDS:g} s and says where (`truncated`, `stoppedAt`)."
    )

    slugged = "/{slug:str}"
    return {
        f"list_{one}s": get(sync_to_thread=True, responses=responses(400, 401, 403, 429))(listed),
        f"create_{one}": post(sync_to_thread=True, responses=responses(400, 401, 402, 403, 409, 429))(create),
        f"backtest_{one}": post(
            "/backtest",
            status_code=200,
            sync_to_thread=True,
            dependencies={"page": paging(BACKTEST_SORTS, "at")},
            responses=responses(400, 401, 403, 404, 429),
        )(tried),
        f"get_{one}": get(slugged, sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))(read),
        f"change_{one}": patch(slugged, sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))(change),
        f"delete_{one}": delete(
            slugged, status_code=204, sync_to_thread=True, responses=responses(400, 401, 403, 404, 429)
        )(remove),
    }
