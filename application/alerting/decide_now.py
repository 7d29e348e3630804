"""A decision inside the app's own request (POST /api/events?decide=true): once the event is in the
read models, a fresh cycle for its identity, then the rules, so the answer carries the identity's
scores and badges. The cycle and its evaluation are recorded like any other: the followers find
the cycle already evaluated and do nothing more."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.alerting.evaluator import Evaluator
from application.alerting.policies import sighting_of
from application.scoring.engine import ScoringEngine


@dataclass(frozen=True)
class Decided:
    cycle_id: int
    scores: dict[str, int]
    badges: list[dict[str, Any]]


class DecideNow:
    def __init__(self, reach_tracking: Callable[[int], bool], engine: ScoringEngine, evaluator: Evaluator) -> None:
        self.reach_tracking = reach_tracking
        self.engine = engine
        self.evaluator = evaluator

    def decide(self, customer_id: UUID, identity: str, position: int) -> Decided | None:
        """None when the read models did not show the event in time, or the identity is disregarded."""
        if not self.reach_tracking(position):
            return None
        decision = self.engine.analyze(customer_id, identity)
        if decision is None:
            return None
        sighting = sighting_of(decision)  # the aggregate has the fields of its Decided event
        outcome = self.evaluator.evaluate(customer_id, sighting)
        return Decided(decision.cycle_id, dict(sighting.scores), outcome.badges)
