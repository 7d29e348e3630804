"""An identity as one evaluation of the rules sees it: after a cycle (from the decision itself),
or when a delay runs out or a rule changes (from the read models)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Sighting:
    identity: str
    scores: dict[str, int]  # upper-case category → 0..100; empty when never scored
    analyzer_badges: list[dict[str, Any]] = field(default_factory=list)
    first_seen: int | None = None  # µs since the epoch
    cycle_id: int | None = None  # set when a cycle's decision is being evaluated
    scored_at: datetime | None = None
    disregarded: bool = False
