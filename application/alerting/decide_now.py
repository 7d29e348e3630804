"""A decision inside the app's own request (POST /api/events?decide=true): a fresh cycle for its identity
with the event the request recorded, then the rules, so the answer carries the identity's scores and badges.
The cycle and its evaluation are recorded like any other: the followers find the cycle already evaluated
and do nothing more.

The cycle's inputs are read ahead of the tracking projection where the store allows it (the identity's
events past the projection's position folded in, projections/scoring/queries/inputs_ahead.py); otherwise
the decision waits for the read models to show its event."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from application.alerting.evaluator import Evaluator
from application.alerting.policies import sighting_of
from application.ports import CycleInputsLike
from application.scoring.engine import ScoringEngine


@dataclass(frozen=True)
class Decided:
    cycle_id: int
    scores: dict[str, int]
    badges: list[dict[str, Any]]


class InputsRead(Protocol):
    inputs: CycleInputsLike | None  # None: nothing recorded about the identity


# (team, identity, tracking log position) → the identity's inputs up to that position, or None if they
# cannot be read before the read models show it.
ReadAhead = Callable[[UUID, str, int], InputsRead | None]


class DecideNow:
    def __init__(
        self,
        reach_tracking: Callable[[int], bool],
        engine: ScoringEngine,
        evaluator: Evaluator,
        read_ahead: ReadAhead | None = None,
    ) -> None:
        self.reach_tracking = reach_tracking
        self.engine = engine
        self.evaluator = evaluator
        self.read_ahead = read_ahead

    def decide(self, customer_id: UUID, identity: str, position: int) -> Decided | None:
        """None when the read models did not show the event in time, or the identity is disregarded."""
        started = self.engine.clock()
        ahead = self.read_ahead(customer_id, identity, position) if self.read_ahead is not None else None
        if ahead is not None:
            inputs = ahead.inputs
            decision = None if inputs is None else self.engine.analyze_inputs(customer_id, identity, inputs, started)
        elif self.reach_tracking(position):
            decision = self.engine.analyze(customer_id, identity)
        else:
            return None
        if decision is None:
            return None
        sighting = sighting_of(decision)  # the aggregate has the fields of its Decided event
        outcome = self.evaluator.evaluate(customer_id, sighting)
        return Decided(decision.cycle_id, dict(sighting.scores), outcome.badges)
