"""What an identity has done, kept incrementally: each event updates counters, a few
bounded windows and running timing statistics in constant time, so a cycle costs the
same for an identity with 100 events as for one with 100,000."""

import bisect
import math
from dataclasses import dataclass, field
from typing import Any

# Canonical types whose recent timestamps the behaviour analyzers look at.
WATCHED_TYPES = frozenset(
    {
        "LOGIN",
        "LOGIN_FAILED",
        "PASSWORD_RESET",
        "PASSWORD_CHANGE",
        "REGISTRATION",
        "PROMO_REDEEM",
        "EMAIL_CHANGE",
        "PURCHASE",
    }
)
RECENT_KEPT = 50
OPENING_KEPT = 5  # the first events, in time order: how an account's life begins
SHORT_GAP = 600.0  # seconds
MICROS = 1_000_000


def _welford(count: int, mean: float, m2: float, x: float) -> tuple[int, float, float]:
    """One more value into a running count, mean and sum of squared deviations (Welford)."""
    count += 1
    delta = x - mean
    mean += delta / count
    return count, mean, m2 + delta * (x - mean)


def _cv(count: int, mean: float, m2: float) -> float | None:
    if count < 2 or mean <= 0:
        return None
    return math.sqrt(m2 / (count - 1)) / mean


@dataclass
class Activity:
    event_count: int = 0
    first_seen: int | None = None  # µs since the epoch
    last_seen: int | None = None
    by_type: dict[str, int] = field(default_factory=dict)  # canonical type (or "OTHER") → count
    recent: dict[str, list[int]] = field(default_factory=dict)  # watched type → last timestamps, sorted
    # Welford's running mean and variance of the seconds between consecutive events.
    gap_count: int = 0
    gap_mean: float = 0.0
    gap_m2: float = 0.0
    min_gap: float | None = None
    # The same for gaps inside a visit (under SHORT_GAP seconds): a cron job's runs are clockwork
    # inside, hours apart outside, so only this pair sees its rhythm.
    short_count: int = 0
    short_mean: float = 0.0
    short_m2: float = 0.0
    opening: list[tuple[int, str]] = field(default_factory=list)  # (µs, event name) of the earliest events

    def observe(self, at: int, canonical_type: str | None, name: str | None = None) -> bool:
        """Count one event; True when it changed the opening sequence."""
        kind = canonical_type or "OTHER"
        opened = False
        if len(self.opening) < OPENING_KEPT or at < self.opening[-1][0]:
            bisect.insort(self.opening, (at, name or kind))
            del self.opening[OPENING_KEPT:]
            opened = True
        self.event_count += 1
        self.by_type[kind] = self.by_type.get(kind, 0) + 1
        if kind in WATCHED_TYPES:
            times = self.recent.setdefault(kind, [])
            bisect.insort(times, at)
            del times[:-RECENT_KEPT]
        if self.last_seen is not None and at >= self.last_seen:
            self._gap((at - self.last_seen) / MICROS)
        self.first_seen = at if self.first_seen is None else min(self.first_seen, at)
        self.last_seen = at if self.last_seen is None else max(self.last_seen, at)
        return opened

    def opening_sequence(self) -> list[str] | None:
        """The names of the first events, once there are enough of them to compare."""
        return [name for _, name in self.opening] if len(self.opening) == OPENING_KEPT else None

    def _gap(self, seconds: float) -> None:
        self.gap_count, self.gap_mean, self.gap_m2 = _welford(self.gap_count, self.gap_mean, self.gap_m2, seconds)
        self.min_gap = seconds if self.min_gap is None else min(self.min_gap, seconds)
        if seconds < SHORT_GAP:
            self.short_count, self.short_mean, self.short_m2 = _welford(
                self.short_count, self.short_mean, self.short_m2, seconds
            )

    @property
    def gap_cv(self) -> float | None:
        """Coefficient of variation of the gaps: near 0 is clockwork, humans are well above 0.5."""
        return _cv(self.gap_count, self.gap_mean, self.gap_m2)

    @property
    def short_gap_cv(self) -> float | None:
        """The same measure over the gaps inside visits only."""
        return _cv(self.short_count, self.short_mean, self.short_m2)

    def count(self, kind: str) -> int:
        return self.by_type.get(kind, 0)

    def times(self, kind: str) -> list[int]:
        return self.recent.get(kind, [])

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_count": self.event_count,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "by_type": dict(self.by_type),
            "recent": {k: list(v) for k, v in self.recent.items()},
            "gap_count": self.gap_count,
            "gap_mean": self.gap_mean,
            "gap_m2": self.gap_m2,
            "min_gap": self.min_gap,
            "short_count": self.short_count,
            "short_mean": self.short_mean,
            "short_m2": self.short_m2,
            "opening": [[at, name] for at, name in self.opening],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Activity":
        return cls(
            event_count=data["event_count"],
            first_seen=data["first_seen"],
            last_seen=data["last_seen"],
            by_type=dict(data["by_type"]),
            recent={k: list(v) for k, v in data["recent"].items()},
            gap_count=data["gap_count"],
            gap_mean=data["gap_mean"],
            gap_m2=data["gap_m2"],
            min_gap=data["min_gap"],
            short_count=data.get("short_count", 0),
            short_mean=data.get("short_mean", 0.0),
            short_m2=data.get("short_m2", 0.0),
            opening=[(at, name) for at, name in data.get("opening", [])],
        )
