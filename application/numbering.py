"""Per-team integer numbers (analysis cycles, reviews) for aggregates whose ids are
derived from the number.

The store is the authority: a number is taken when an aggregate with its derived id
exists, and saving a second one collides. A process finds where a team's numbers end
with a handful of existence probes (doubling, then bisecting), hands out the next
ones from memory. When another process took a number first, it gallops from there to where the
numbers end now (a few probes) rather than trying the next numbers one by one: the scoring process
and the web workers number the same team's cycles, and each failed save waits for the log's insert
lock (cycles numbered from stale memory cost several failed saves each, seen in bench/decide_latency.py)."""

import threading
from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError

T = TypeVar("T")
MAX_COLLISIONS = 1000


class TeamNumbers:
    def __init__(self, taken: Callable[[UUID, int], bool]) -> None:
        self._taken = taken
        self._next: dict[UUID, int] = {}
        self._lock = threading.Lock()

    def last_taken(self, customer_id: UUID) -> int:
        """The highest taken number, assuming numbers are taken in order (a gap only costs a collision)."""
        return self._last_taken_from(customer_id, 1) if self._taken(customer_id, 1) else 0

    def _last_taken_from(self, customer_id: UUID, low: int) -> int:
        """The highest taken number, given that `low` is taken: doubling steps past it, then bisecting."""
        step = 1
        high = low + step
        while self._taken(customer_id, high):
            low, step = high, step * 2
            high = low + step
        while high - low > 1:  # low is taken, high is not
            middle = (low + high) // 2
            if self._taken(customer_id, middle):
                low = middle
            else:
                high = middle
        return low

    def _claim(self, customer_id: UUID) -> int:
        with self._lock:
            number = self._next.get(customer_id)
            if number is None:
                number = self.last_taken(customer_id) + 1
            self._next[customer_id] = number + 1
            return number

    def _skip_past(self, customer_id: UUID, number: int) -> None:
        with self._lock:
            self._next[customer_id] = max(self._next.get(customer_id, 0), number + 1)

    def claim(self, customer_id: UUID) -> int:
        """The team's next number, for a caller that saves several numbered aggregates at once."""
        return self._claim(customer_id)

    def skip_past(self, customer_id: UUID, number: int) -> None:
        """After a save failed with `number`: never hand it out again, nor any before it, nor, when another
        process took it, any that process has taken since."""
        if self._taken(customer_id, number):
            number = self._last_taken_from(customer_id, number)
        self._skip_past(customer_id, number)

    def save_numbered(self, customer_id: UUID, save: Callable[[int], T]) -> T:
        """Call save(number) with the team's next number until the store accepts it."""
        for _ in range(MAX_COLLISIONS):
            number = self._claim(customer_id)
            try:
                return save(number)
            except IntegrityError:
                self.skip_past(customer_id, number)
        raise RuntimeError("could not take a number: the store refused every attempt")


def recorded(app: Application[UUID]) -> Callable[[UUID], bool]:
    """Whether `app`'s store holds an aggregate: one indexed read of at most one stored event, nothing
    decoded (the repository's `in` rebuilds the whole aggregate to answer)."""
    return lambda aggregate_id: bool(app.recorder.select_events(aggregate_id, limit=1))
