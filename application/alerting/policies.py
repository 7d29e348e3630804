"""What alerting does when other things happen: after every scoring decision it evaluates the
identity's rules; when a rule changes it evaluates that team's scored identities again; when a
delay runs out it evaluates the identity without waiting for a cycle. Each follows its log through
adapters/log_follower.py (or runs on a timer) and is idempotent."""

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from application.alerting.evaluator import Evaluator
from application.alerting.ports import SightingsPort
from domain.alerting.channel import Channel
from domain.alerting.rules import BadgeRule, EscalationRule, Rule
from domain.alerting.sighting import Sighting
from domain.polling import PollingLoop
from domain.scoring.fraud_decision import FraudDecision
from domain.times import to_micros

log = logging.getLogger(__name__)
SWEEP_PAGE = 200
# A change or a deletion is recorded as the base class's event for both kinds of rule.
_RULE_EVENTS = (BadgeRule.Created, EscalationRule.Created, Rule.Changed, Rule.Deleted)


def sighting_of(e: FraudDecision.Decided) -> Sighting:
    activity = (e.profile or {}).get("activity") or {}
    return Sighting(
        identity=e.identity,
        scores={k: int(v) for k, v in e.scores.items()},
        analyzer_badges=[{**b, "priority": 0} for b in e.badges],
        first_seen=activity.get("first_seen"),
        cycle_id=e.cycle_id,
        scored_at=e.finished_at,
    )


class DecisionPolicy:
    """Follows the Scoring log."""

    name = "alerting-decisions"

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator

    def handle(self, events: list[tuple[int, Any]]) -> None:
        for _, e in events:
            if isinstance(e, FraudDecision.Decided):
                self.evaluator.evaluate(e.customer_id, sighting_of(e))


class RuleChangePolicy:
    """Follows the Alerting log: a rule created, changed or deleted is applied to every identity the
    team has scored, a page at a time; a channel change is seen by the next evaluation."""

    name = "alerting-rule-changes"

    def __init__(self, evaluator: Evaluator, sightings: SightingsPort, page: int = SWEEP_PAGE) -> None:
        self.evaluator = evaluator
        self.sightings = sightings
        self.page = page

    def handle(self, events: list[tuple[int, Any]]) -> None:
        teams: list[UUID] = []
        for _, e in events:
            if isinstance(e, _RULE_EVENTS) or isinstance(e, Channel.Event):
                aggregate = self.evaluator.app.repository.get(e.originator_id)
                self.evaluator.rulebook.forget(aggregate.customer_id)
                if isinstance(e, _RULE_EVENTS) and aggregate.customer_id not in teams:
                    teams.append(aggregate.customer_id)
        for team in teams:
            self.sweep(team)

    def sweep(self, customer_id: UUID) -> int:
        done = 0
        after: str | None = None
        while True:
            ids = self.sightings.scored(customer_id, after, self.page)
            if not ids:
                return done
            found = self.sightings.load(customer_id, ids)
            for identity in ids:
                sighting = found.get(identity)
                if sighting is not None:
                    self.evaluator.evaluate(customer_id, sighting)
                    done += 1
            after = ids[-1]


class DelayTimer:
    """Evaluates identities whose rule delays ran out (the `alerting_timers` read model)."""

    def __init__(
        self,
        evaluator: Evaluator,
        sightings: SightingsPort,
        *,
        poll_seconds: float = 0.5,
        batch: int = 200,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.evaluator = evaluator
        self.sightings = sightings
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.clock = clock or evaluator.app.clock
        # An evaluation's new due time reaches the read model a moment later; meanwhile the old one
        # still reads as due. Each is evaluated once per due time it was found with.
        self._seen: dict[tuple[UUID, str], float] = {}
        # Every poll, whatever the last round found; a failed round too.
        self._loop = PollingLoop(
            "dregs-alerting-timer",
            self.run_once,
            caught_up=lambda _: True,
            poll=lambda: self.poll_seconds,
            backoff=lambda _: self.poll_seconds,
            failed=lambda _: log.exception("alerting timer failed; retrying"),
        )

    def run_once(self) -> int:
        now = self.clock()
        due = self.sightings.due(to_micros(now), self.batch)
        done = 0
        fresh = time.monotonic()
        self._seen = {k: t for k, t in self._seen.items() if fresh - t < 5}
        by_team: dict[UUID, list[str]] = {}
        for customer_id, identity in due:
            if (customer_id, identity) not in self._seen:
                by_team.setdefault(customer_id, []).append(identity)
        for customer_id, identities in by_team.items():
            found = self.sightings.load(customer_id, identities)
            for identity in identities:
                self._seen[(customer_id, identity)] = fresh
                sighting = found.get(identity) or Sighting(identity=identity, scores={})
                self.evaluator.evaluate(customer_id, sighting, now)
                done += 1
        return done

    def start(self) -> None:
        self._loop.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._loop.stop(timeout)
