"""Backtests: a draft badge or escalation rule tried on the team's recorded decisions in a window, against the rule
as it stood at each of them (a change to an existing rule) or no rule at all (a new one); domain/alerting/backtest.py
judges both sides as the live evaluator would.

The decisions are found through an index (the read models' `analyses`, by the instant each finished: only the team's,
and only the window's, however long the Scoring log has grown), read from the Scoring application's store a page at a
time with their log positions, decoded by the audit replay's decoder (application/audit/decoding.py) and replayed in
log order. An escalation rule that asks for badges sees the ones the team's badge rules gave, as each identity's
IdentityAlerts recorded them (and is judged again, as live, whenever an evaluation without a decision changed them).
Nothing is saved anywhere: the applications are only read.

Bounded in time: after `budget_seconds` the replay stops at the end of a page and says where (`stopped_at`); what it
reports is then exact for the window up to that instant."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import Application

from application.alerting.application import AlertingApplication
from application.alerting.policies import sighting_of
from application.ports import StoredEventsPort
from domain.alerting.backtest import (
    BADGE,
    Backtest,
    BadgeChange,
    BadgeTerms,
    EscalationTerms,
    Moment,
    Outcome,
    RuleHistory,
    Terms,
)
from domain.alerting.identity_alerts import IdentityAlerts
from domain.alerting.rules import BadgeRule, EscalationRule
from domain.errors import InvalidInput
from domain.scoring.fraud_decision import FraudDecision
from domain.times import to_micros

PAGE_SIZE = 500  # decisions read a statement
BUDGET_SECONDS = 10.0


class DecisionIndex(Protocol):
    """Which decisions a team had in a window (projections/alerting/queries/decided.py)."""

    def finished(
        self, customer_id: UUID, start: int, end: int, after: tuple[int, int] | None, limit: int
    ) -> list[tuple[int, int]]:
        """(finished_at, cycle_id) of the team's decisions finished in [start, end) µs, after `after`, in that
        order; at most `limit`."""
        ...


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    start: int  # the window replayed, µs: [start, end)
    end: int
    truncated: bool  # the time budget ran out before the window's end
    stopped_at: int | None  # then, when the last decision replayed finished: the window is replayed up to there


def rule_history(app: AlertingApplication, customer_id: UUID, kind: str, slug: str) -> RuleHistory:
    """The team's live rule of this kind by `slug`, every version from when it was recorded; NotFound if there is
    none."""
    cls = BadgeRule if kind == BADGE else EscalationRule
    rule = app.by_slug(customer_id, kind, slug, cls)
    versions = [app.repository.get(rule.id, version=v) for v in range(1, rule.version)] + [rule]
    terms: Callable[[Any], Terms] = BadgeTerms.of if kind == BADGE else EscalationTerms.of
    return RuleHistory(tuple((to_micros(r.updated_at), terms(r)) for r in versions))


class Backtester:
    def __init__(  # noqa: PLR0913 - the stores it reads, and its bounds
        self,
        scoring: Application[UUID],
        alerting: AlertingApplication,
        stored: StoredEventsPort,
        *,
        page_size: int = PAGE_SIZE,
        budget_seconds: float = BUDGET_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.scoring = scoring
        self.alerting = alerting
        self.stored = stored
        self.page_size = page_size
        self.budget_seconds = budget_seconds
        self.clock = clock

    def window(self, customer_id: UUID, start: datetime, end: datetime) -> tuple[int, int]:
        """[start, end) in µs, the end no later than now (no decision is recorded in the future, and no delay runs
        out there yet); InvalidInput if the window is empty then, or reaches back past the team's retention."""
        now = self.alerting.clock()
        end = min(end, now)
        if start >= end:
            raise InvalidInput("from must be before to, and in the past")
        retention = self.alerting.team_limits(customer_id).retention_days
        if retention is not None and start < now - timedelta(days=retention):
            raise InvalidInput(f"from may be at most {retention} days ago: the team's data is kept that long")
        return to_micros(start), to_micros(end)

    def run(  # noqa: PLR0913 - whose decisions, which kind of rule, both sides and the window
        self,
        index: DecisionIndex,
        customer_id: UUID,
        kind: str,
        draft: RuleHistory,
        baseline: RuleHistory,
        window: tuple[int, int],
    ) -> Result:
        """Replay the team's decisions in `window` (µs, from `window()`) under `draft` and `baseline`."""
        start, end = window
        badges: dict[str, list[BadgeChange]] = {}
        test = Backtest(kind, draft, baseline, lambda identity: badges.get(identity, ()))
        deadline = self.clock() + self.budget_seconds
        after: tuple[int, int] | None = None
        truncated = False
        while True:
            page = index.finished(customer_id, start, end, after, self.page_size)
            if not page:
                break
            decisions = self._decisions(customer_id, [cycle for _, cycle in page])
            if test.uses_badges:
                self._rule_badges(customer_id, decisions, badges)
            for e in decisions:
                test.decision(_moment(e))
            after = page[-1]
            if len(page) < self.page_size:
                break
            if self.clock() >= deadline:
                truncated = True
                break
        stopped_at = after[0] if truncated and after is not None else None
        outcome = test.finish(stopped_at if stopped_at is not None else end)
        return Result(outcome, start, end, truncated, stopped_at)

    def _decisions(self, customer_id: UUID, cycles: list[int]) -> list[FraudDecision.Decided]:
        """The page's decisions, in log order (the team's own: their ids are made from the team's)."""
        ids = [FraudDecision.create_id(customer_id, cycle) for cycle in cycles]
        found = []
        for _, event in self.stored.decoded(self.scoring, ids):
            if isinstance(event, FraudDecision.Decided) and event.customer_id == customer_id:
                found.append(event)
        return found

    def _rule_badges(
        self, customer_id: UUID, decisions: list[FraudDecision.Decided], badges: dict[str, list[BadgeChange]]
    ) -> None:
        """Each new identity's recorded changes of its rule badges, read once."""
        new = list(dict.fromkeys(e.identity for e in decisions if e.identity not in badges))
        ids = {IdentityAlerts.create_id(customer_id, identity): identity for identity in new}
        recorded = self.stored.events_of(self.alerting, list(ids))
        for alerts_id, identity in ids.items():
            badges[identity] = [
                BadgeChange(
                    to_micros(e.timestamp),
                    e.cycle_id,
                    frozenset(b["slug"] for b in e.added),
                    frozenset(b["slug"] for b in e.removed),
                )
                for e in recorded.get(alerts_id, ())
                if isinstance(e, IdentityAlerts.BadgesChanged)
            ]


def _moment(e: FraudDecision.Decided) -> Moment:
    """The decision as the rules saw it after it (the same sighting DecisionPolicy hands the evaluator)."""
    sighting = sighting_of(e)
    analyzer = frozenset(b["slug"] for b in sighting.analyzer_badges)
    return Moment(
        sighting.identity, to_micros(e.finished_at), sighting.cycle_id, sighting.scores, analyzer, sighting.first_seen
    )
