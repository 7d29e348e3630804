"""Follows one application's notification log into read-model tables.

Each batch's view changes and the new log position are committed in one
transaction, so a runner stopped anywhere neither skips nor double-counts.
The position moves with a compare-and-set, so a second runner on the same
projection (a misconfigured deployment) wastes work but never corrupts it."""

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, select, update

from projections.schema import projection_positions
from projections.upsert import insert_ignore

log = logging.getLogger(__name__)


class Notification(Protocol):
    id: int


class NotificationSource(Protocol):
    def select_notifications(self, start: int | None, limit: int) -> Sequence[Any]: ...

    def max_notification_id(self) -> int | None: ...


class Projection(Protocol):
    name: str

    def apply(self, conn: Connection, events: list[tuple[int, Any]]) -> None:
        """Apply (notification id, domain event) pairs, in log order."""


class PositionTaken(Exception):
    """Another runner advanced this projection first."""


class ProjectionRunner:
    def __init__(
        self,
        engine: Engine,
        projection: Projection,
        source: NotificationSource,
        decode: Callable[[Any], Any],
        *,
        batch_size: int = 1000,
        poll_interval: float = 0.025,
    ) -> None:
        self.engine = engine
        self.projection = projection
        self.source = source
        self.decode = decode
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._committed = 0
        with engine.begin() as conn:
            insert_ignore(conn, projection_positions, [{"name": projection.name, "position": 0}])

    @property
    def name(self) -> str:
        return self.projection.name

    def position(self) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(projection_positions.c.position).where(projection_positions.c.name == self.name)
            ).scalar_one()
        self._committed = max(self._committed, value)
        return value

    def head(self) -> int:
        return self.source.max_notification_id() or 0

    def run_once(self) -> int:
        """Process one batch; returns how many notifications it covered."""
        start = self.position()
        notifications = self.source.select_notifications(start + 1, self.batch_size)
        if not notifications:
            return 0
        end = notifications[-1].id
        events = [(n.id, self.decode(n)) for n in notifications]
        with self.engine.begin() as conn:
            # On PostgreSQL the position's row is locked before any other row is written: a second runner
            # of this projection (a rebuild beside a running process) waits here, then finds the position
            # taken, where it used to deadlock with the first on the rows both were upserting. SQLite has
            # no row locks (FOR UPDATE compiles to nothing): taking its database lock this early would only
            # make the other projections' runners wait.
            locked = conn.execute(
                select(projection_positions.c.position)
                .where(projection_positions.c.name == self.name)
                .with_for_update()
            ).scalar()
            if locked != start:
                raise PositionTaken(self.name)
            self.projection.apply(conn, events)
            moved = conn.execute(
                update(projection_positions)
                .where(projection_positions.c.name == self.name)
                .where(projection_positions.c.position == start)
                .values(position=end)
            ).rowcount
            if moved != 1:
                raise PositionTaken(self.name)
        self._committed = max(self._committed, end)
        return len(notifications)

    def catch_up(self) -> int:
        total = 0
        while True:
            try:
                done = self.run_once()
            except PositionTaken:
                continue
            if not done:
                return total
            total += done

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"dregs-projection-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                done = self.run_once()
                failures = 0
            except PositionTaken:
                continue
            except Exception:
                failures += 1
                log.exception("projection %s failed; retrying", self.name)
                self._stop.wait(min(0.1 * 2**failures, 5.0))
                continue
            if done < self.batch_size:
                # Caught up: poll rather than chase every commit, so batches stay large under
                # load; a reader waiting in wait_for() wakes the runner at once.
                self._wake.wait(self.poll_interval)
                self._wake.clear()

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until the read model reflects the log up to `position`."""
        if position <= self._committed:
            return True
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            if self.position() >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            self._wake.set()
            time.sleep(delay)
            delay = min(delay * 2, 0.02)

    def wait_for_head(self, timeout: float) -> bool:
        return self.wait_for(self.head(), timeout)
