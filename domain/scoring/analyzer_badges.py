"""Badges some analyzers give on their own, without a badge rule: findings an app will
want to act on by name (the manual names account takeover and registration bombing)."""

from collections.abc import Iterable
from typing import Any

from domain.scoring.observation import Observation

# analyzer id (= badge slug) → badge name
BADGES = {
    "behavior.account-takeover-signal": "Account Takeover Suspected",
    "behavior.registration-bombing": "Registration Bombing",
}
MAX_VALUE = 0.2  # only a finding this clear earns the label
MIN_CONFIDENCE = 0.7


def analyzer_badges(observations: Iterable[Observation], cycle_id: int) -> list[dict[str, Any]]:
    return [
        {
            "slug": o.id,
            "name": BADGES[o.id],
            "type": "BAD",
            "explanation": o.explanation,
            "metadata": {"source": "ANALYZER", "cycleId": cycle_id, **o.metadata},
        }
        for o in observations
        if o.id in BADGES and o.value <= MAX_VALUE and o.confidence >= MIN_CONFIDENCE
    ]
