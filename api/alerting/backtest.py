"""POST /api/badge-rules/backtest and /api/escalation-rules/backtest, and the rule editors' Backtest panel: a draft
rule tried on the team's recorded decisions in a window (application/alerting/backtest.py), its changes paged here.
Both ask the same function, so the dashboard shows what the API answers."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from adapters.audit.stored_events import StoredEvents
from adapters.bootstrap import Container
from api.alerting.schemas.backtest import BacktestChangeOut, BacktestCountsOut, BacktestOut
from api.alerting.schemas.escalations import identity_reference
from api.dashboard.stats import window_of
from api.schemas import page_out
from api.time import format_time
from application.alerting.backtest import Backtester, Result, rule_history
from domain.alerting.backtest import CLOSES, GAIN, LOSE, OPENS, Change, RuleHistory, Terms
from domain.errors import InvalidInput
from projections.alerting.queries.decided import DecidedIndex
from projections.paging import Page, PageRequest
from projections.read_models import TRACKING, ReadModels
from projections.tracking.queries.identities import display_names

DEFAULT_WINDOW = timedelta(days=30)
SORTS: dict[str, Callable[[Change], Any]] = {
    "at": lambda c: (c.at, c.identity),
    "identity": lambda c: (c.identity, c.at),
}


@dataclass(frozen=True)
class Tried:
    """A backtest's result with one page of its changes, each identity's display name beside it."""

    result: Result
    page: Page  # rows: {"change": Change, "label": str | None}


def backtest(  # noqa: PLR0913 - which kind, whose, the draft, the rule it changes, the window and the page
    container: Container,
    read_models: ReadModels,
    customer_id: UUID,
    kind: str,
    draft: Terms,
    slug: str | None,
    window: tuple[str | None, str | None],
    page: PageRequest,
) -> Tried:
    """InvalidInput for a window that is not one; application.alerting.application.NotFound for a slug the team has
    no rule by."""
    asked = window_of(*window, default=DEFAULT_WINDOW)
    backtester = Backtester(container.scoring, container.alerting, StoredEvents())
    span = backtester.window(customer_id, asked.start, asked.end)
    baseline = rule_history(container.alerting, customer_id, kind, slug) if slug is not None else RuleHistory()
    result = backtester.run(DecidedIndex(read_models), customer_id, kind, RuleHistory.draft(draft), baseline, span)
    key = _sort(page.sort)
    changes = sorted(result.outcome.changes, key=key, reverse=page.descending)
    shown = changes[page.page_number * page.page_size : (page.page_number + 1) * page.page_size]
    with read_models.current(TRACKING) as conn:
        labels = display_names(conn, customer_id, {c.identity for c in shown})
    rows = [{"change": c, "label": labels.get(c.identity)} for c in shown]
    return Tried(result, Page(rows, page.page_number, page.page_size, len(changes)))


def _sort(name: str | None) -> Callable[[Change], Any]:
    for key, sort in SORTS.items():
        if key.lower() == (name or "at").lower():
            return sort
    raise InvalidInput(f"cannot sort by {name!r}; use one of: {', '.join(SORTS)}")


def backtest_out(tried: Tried) -> BacktestOut:
    result, outcome = tried.result, tried.result.outcome
    counts = BacktestCountsOut(
        identities_evaluated=outcome.identities,
        decisions_replayed=outcome.decisions,
        identities_changed=outcome.identities_changed,
        would_gain=outcome.count(GAIN),
        would_lose=outcome.count(LOSE),
        would_open=outcome.count(OPENS),
        would_close=outcome.count(CLOSES),
    )
    items = [
        BacktestChangeOut(
            identity=identity_reference(row["change"].identity, row["label"]),
            change=row["change"].change,
            at=format_time(row["change"].at) or "",
            until=format_time(row["change"].until),
        )
        for row in tried.page.rows
    ]
    return BacktestOut(
        start=format_time(result.start) or "",
        end=format_time(result.end) or "",
        truncated=result.truncated,
        stopped_at=format_time(result.stopped_at),
        counts=counts,
        changes=page_out(tried.page, items),
    )
