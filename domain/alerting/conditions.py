"""Rule conditions: what a badge or escalation rule asks of an identity, and whether it holds.

A condition is checked against `Facts`, the identity as one analysis cycle (or the clock) sees it.
Every condition of a rule must hold. Badge rules may use only the score conditions and
`IDENTITY_AGE_GT` (a badge never depends on another badge); escalation rules may use them all."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import InvalidInput
from domain.scoring.categories import ORDER, Category

SCORE_KINDS = frozenset({"SCORE_LT", "SCORE_LTE", "SCORE_GT", "SCORE_GTE"})
BADGE_KINDS = frozenset({"BADGE_EXISTS", "BADGE_NOT_EXISTS"})
AGE_KINDS = frozenset({"IDENTITY_AGE_LT", "IDENTITY_AGE_GT"})
FOR_BADGE_RULES = SCORE_KINDS | {"IDENTITY_AGE_GT"}
FOR_ESCALATION_RULES = SCORE_KINDS | BADGE_KINDS | AGE_KINDS
ANY = "ANY"
CATEGORIES = tuple(c.value for c in ORDER) + (ANY,)
MAX_CONDITIONS = 20
MAX_SECONDS = 10 * 365 * 86400  # ten years: an identity older than that is older than the product
MAX_BADGE_SLUG = 120


@dataclass(frozen=True)
class Condition:
    condition: str
    category: str | None = None
    threshold: int | None = None
    badge: str | None = None
    seconds: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "condition": self.condition,
            "category": self.category,
            "threshold": self.threshold,
            "badge": self.badge,
            "seconds": self.seconds,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Condition":
        return cls(
            data["condition"], data.get("category"), data.get("threshold"), data.get("badge"), data.get("seconds")
        )

    def describe(self) -> str:
        if self.condition in SCORE_KINDS:
            sign = {"SCORE_LT": "<", "SCORE_LTE": "≤", "SCORE_GT": ">", "SCORE_GTE": "≥"}[self.condition]
            what = "any score" if self.category == ANY else f"{str(self.category).title()}"
            return f"{what} {sign} {self.threshold}"
        if self.condition in BADGE_KINDS:
            return f"{'has' if self.condition == 'BADGE_EXISTS' else 'lacks'} badge {self.badge}"
        sign = "<" if self.condition == "IDENTITY_AGE_LT" else ">"
        return f"first seen {sign} {self.seconds} s ago"


@dataclass(frozen=True)
class Facts:
    """An identity as the rules see it. `scores` holds the four categories once it was scored;
    `first_seen` and `now` are µs since the epoch."""

    scores: Mapping[str, int]
    badges: frozenset[str]
    first_seen: int | None
    now: int


def _compare(kind: str, value: int, threshold: int) -> bool:
    if kind == "SCORE_LT":
        return value < threshold
    if kind == "SCORE_LTE":
        return value <= threshold
    if kind == "SCORE_GT":
        return value > threshold
    return value >= threshold


def condition_holds(c: Condition, facts: Facts) -> bool:
    if c.condition in SCORE_KINDS:
        assert c.threshold is not None
        if c.category == ANY:
            return any(_compare(c.condition, v, c.threshold) for v in facts.scores.values())
        value = facts.scores.get(str(c.category))
        return value is not None and _compare(c.condition, value, c.threshold)
    if c.condition in BADGE_KINDS:
        return (c.badge in facts.badges) == (c.condition == "BADGE_EXISTS")
    if facts.first_seen is None:
        return False
    assert c.seconds is not None
    age = facts.now - facts.first_seen
    limit = c.seconds * 1_000_000
    return age < limit if c.condition == "IDENTITY_AGE_LT" else age > limit


def all_hold(conditions: Iterable[Condition], facts: Facts) -> bool:
    """An empty rule never matches: a rule with no conditions would label every identity."""
    found = False
    for c in conditions:
        if not condition_holds(c, facts):
            return False
        found = True
    return found


def _int_field(raw: Mapping[str, Any], key: str, where: str, low: int, high: int) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{where}: {key} must be an integer from {low} to {high}")
    if not low <= value <= high:
        raise InvalidInput(f"{where}: {key} must be from {low} to {high}")
    return value


def parse_condition(raw: Any, allowed: frozenset[str], where: str) -> Condition:
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where} must be an object")
    kind = raw.get("condition")
    if not isinstance(kind, str) or kind not in FOR_ESCALATION_RULES:
        raise InvalidInput(f"{where}: condition must be one of {', '.join(sorted(allowed))}")
    if kind not in allowed:
        raise InvalidInput(f"{where}: {kind} is not allowed here; use one of {', '.join(sorted(allowed))}")
    if kind in SCORE_KINDS:
        category = raw.get("category")
        if category not in CATEGORIES:
            raise InvalidInput(f"{where}: category must be one of {', '.join(CATEGORIES)}")
        return Condition(kind, category=category, threshold=_int_field(raw, "threshold", where, 0, 100))
    if kind in BADGE_KINDS:
        badge = raw.get("badge")
        if not isinstance(badge, str) or not badge.strip() or len(badge) > MAX_BADGE_SLUG:
            raise InvalidInput(f"{where}: badge must be a badge slug of 1 to {MAX_BADGE_SLUG} characters")
        return Condition(kind, badge=badge.strip())
    return Condition(kind, seconds=_int_field(raw, "seconds", where, 0, MAX_SECONDS))


def parse_conditions(raw: Any, allowed: frozenset[str]) -> tuple[Condition, ...]:
    if not isinstance(raw, list | tuple) or not raw:
        raise InvalidInput("conditions must be a non-empty list")
    if len(raw) > MAX_CONDITIONS:
        raise InvalidInput(f"conditions may hold at most {MAX_CONDITIONS} entries")
    return tuple(parse_condition(item, allowed, f"conditions[{i}]") for i, item in enumerate(raw))


def category_scores(scores: Mapping[str, int]) -> dict[str, int]:
    """Scores keyed by upper-case category, as rules and snapshots name them."""
    return {c.value: int(scores[c.value]) for c in Category if c.value in scores}
