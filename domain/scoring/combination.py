"""From observations to the four scores.

A category's score is a weighted mean of its observations' values, where an
observation counts by weight × confidence, and a suspicious one counts up to three
times more than a clean one (a disposable address is not cancelled out by two
ordinary findings). A neutral prior of 0.5 with the weight of one half-sure
observation keeps thin evidence near the middle, as the manual describes; a
category with no evidence at all has no score, not 50."""

from collections.abc import Iterable

from domain.scoring.categories import ORDER, Category
from domain.scoring.observation import Observation

PRIOR_VALUE = 0.5
PRIOR_WEIGHT = 0.5
SUSPICION_EMPHASIS = 2.0  # a value of 0 weighs (1 + 2) times what a value of 1 weighs


def _influence(o: Observation) -> float:
    return o.weight * o.confidence * (1.0 + SUSPICION_EMPHASIS * (1.0 - o.value))


def category_scores(observations: Iterable[Observation]) -> dict[Category, int]:
    totals: dict[Category, tuple[float, float]] = {}
    for o in observations:
        influence = _influence(o)
        if influence <= 0.0:
            continue
        weighted, weights = totals.get(o.category, (0.0, 0.0))
        totals[o.category] = (weighted + influence * o.value, weights + influence)
    scores: dict[Category, int] = {}
    for category in ORDER:
        if category in totals:
            weighted, weights = totals[category]
            mean = (weighted + PRIOR_VALUE * PRIOR_WEIGHT) / (weights + PRIOR_WEIGHT)
            scores[category] = max(0, min(100, round(100 * mean)))
    return scores
