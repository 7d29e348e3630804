"""One analysis cycle's decision about one identity, as an auditor reads it.

The id is derived from the team and the cycle number, so two scoring workers can
never record the same cycle twice: the second one's save collides in the store.
The decision keeps its inputs (the profile) and the versions of the rules and
datasets, so replaying `evaluate` on them gives the same scores."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import fraud_decision_id
from domain.scoring.analyzer_badges import analyzer_badges
from domain.scoring.analyzers import analyze
from domain.scoring.categories import Category
from domain.scoring.combination import category_scores
from domain.scoring.datasets import Datasets
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile


@dataclass(frozen=True)
class Evaluation:
    observations: list[Observation]
    scores: dict[Category, int]


NO_MAPPINGS = "m0"
NO_TEAM_DATASETS = "c0"


def versions_label(rules_version: str, datasets_version: str, mappings_version: str = NO_MAPPINGS) -> str:
    """What a cycle was scored with; a change queues the identity again at the next sweep."""
    return f"{rules_version}|{datasets_version}|{mappings_version}"[:255]


def evaluate(profile: IdentityProfile, datasets: Datasets) -> Evaluation:
    observations = analyze(profile, datasets)
    return Evaluation(observations, category_scores(observations))


class FraudDecision(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, cycle_id: int) -> UUID:
        return fraud_decision_id(customer_id, cycle_id)

    @event("Decided")
    def __init__(  # noqa: PLR0913 - an auditor needs every one of these
        self,
        customer_id: UUID,
        cycle_id: int,
        identity: str,
        scores: dict[str, int],
        observations: list[dict[str, Any]],
        event_count: int,
        device_count: int,
        started_at: datetime,
        finished_at: datetime,
        inputs_position: int,
        rules_version: str,
        datasets_version: str,
        mappings_version: str,
        profile: dict[str, Any],
        badges: list[dict[str, Any]],
    ) -> None:
        self.customer_id = customer_id
        self.cycle_id = cycle_id
        self.identity = identity
        self.scores = scores
        self.observations = observations
        self.event_count = event_count
        self.device_count = device_count
        self.started_at = started_at
        self.finished_at = finished_at
        self.inputs_position = inputs_position
        self.rules_version = rules_version
        self.datasets_version = datasets_version
        self.mappings_version = mappings_version  # the team's mappings: "m<log position of the last change>"
        self.profile = profile
        self.badges = badges  # analyzer-sourced badges the identity holds after this cycle

    @classmethod
    def from_evaluation(  # noqa: PLR0913 - one decision, everything it stands on
        cls,
        customer_id: UUID,
        cycle_id: int,
        profile: IdentityProfile,
        evaluation: Evaluation,
        *,
        started_at: datetime,
        finished_at: datetime,
        inputs_position: int,
        rules_version: str,
        datasets_version: str,
        mappings_version: str,
    ) -> "FraudDecision":
        """The decision a cycle records from `evaluate(profile, …)`: the scores, observations and analyzer badges,
        with the profile itself, so a replay can run it again."""
        return cls(
            customer_id=customer_id,
            cycle_id=cycle_id,
            identity=profile.identity_id,
            scores={category.value: value for category, value in evaluation.scores.items()},
            observations=[o.to_dict() for o in evaluation.observations],
            event_count=profile.activity.event_count,
            device_count=profile.device_count,
            started_at=started_at,
            finished_at=finished_at,
            inputs_position=inputs_position,
            rules_version=rules_version,
            datasets_version=datasets_version,
            mappings_version=mappings_version,
            profile=profile.to_dict(),
            badges=analyzer_badges(evaluation.observations, cycle_id),
        )
