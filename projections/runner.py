"""Follows one application's notification log into read-model tables.

Each batch's view changes and the new log position are committed in one
transaction, so a runner stopped anywhere neither skips nor double-counts.
The position moves with a compare-and-set, so a second runner on the same
projection (a misconfigured deployment) wastes work but never corrupts it.

When a batch fails, the runner tells two kinds of failure apart (see `deterministic`):

- a failure of the surroundings (the database unreachable or restarting, a lock timeout, a
  table missing during a rebuild) says nothing about the events: the batch is retried, with
  backoff, for as long as it takes, and nothing is ever skipped for it;
- a failure the events themselves cause (a value the read model cannot hold, a row that breaks
  a constraint, an event that cannot be decoded or applied) would fail again on every retry,
  and retrying forever would stop the projection for every team. The batch is bisected: each
  half is applied on its own, so every notification that applies is committed, until the one
  that fails is alone. It is tried once more alone; if it fails again it is recorded in
  `projection_failures`, in the same transaction that moves the position past it, an ERROR
  is logged, and the runner carries on. The read models lack its effects until
  `dregs projections rebuild`, which drops that table and applies every event again (after a
  fix, the event applies; the log itself never lost it).

`GET /health` reports recorded failures (api/system/health.py)."""

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from eventsourcing.persistence import PersistenceError
from sqlalchemy import Connection, Engine, bindparam, select, text, update
from sqlalchemy import exc as sa_exc

from domain.polling import PollingLoop
from domain.text import escaped
from projections.schema import projection_failures, projection_positions
from projections.single_reads import single_reads
from projections.upsert import insert_ignore, upsert
from projections.wakeups import PROJECTION_APPLIED

log = logging.getLogger(__name__)

MAX_ERROR_TEXT = 2000
# A waiter that hears of commits (see ProjectionRunner.heard) wakes at each; it looks at the position's row
# this often only in case a notification was lost. One that does not polls the row, backing off up to this.
HEARD_RECHECK_SECONDS = 0.1
UNHEARD_POLL_SECONDS = 0.02
# A runner told of every append to its log (see ProjectionRunner.appends_heard) looks at the log this often only
# in case a notification was lost.
TOLD_POLL_SECONDS = 1.0


_positions = projection_positions.c
# Built once: a round runs them every time, and building a statement and its cache key anew costs more than
# running it (see projections/scoring/queries/scoring_queue.py).
_POSITION = select(_positions.position).where(_positions.name == bindparam("projection"))
_CLAIM = _POSITION.with_for_update()
_MOVE = (
    update(projection_positions)
    .where(_positions.name == bindparam("projection"), _positions.position == bindparam("start"))
    .values(position=bindparam("end"))
)
# PostgreSQL: the move and the NOTIFY that tells other processes of it, in one round trip; a row only if it moved.
_MOVE_AND_TELL = text(
    "WITH moved AS (UPDATE projection_positions SET position = :end WHERE name = :projection AND position = :start"
    " RETURNING position) SELECT pg_notify(:channel, :payload) FROM moved"
)


def _now_micros() -> int:
    return time.time_ns() // 1000


class Notification(Protocol):
    id: int


class NotificationSource(Protocol):
    def select_notifications(self, start: int | None, limit: int, stop: int | None = None) -> Sequence[Any]: ...

    def max_notification_id(self) -> int | None: ...


class Projection(Protocol):
    name: str

    def apply(self, conn: Connection, events: list[tuple[int, Any]]) -> None:
        """Apply (notification id, domain event) pairs, in log order."""


class PositionTaken(Exception):
    """Another runner advanced this projection first."""


class UndecodableEvent(Exception):
    """A stored event could not be turned back into a domain event: decoding is pure, so it never will."""


# Errors of the event or of the projection's handling of it: they recur on every attempt.
_DETERMINISTIC = (
    UndecodableEvent,
    ValueError,  # UnicodeError among them: text no encoding holds
    TypeError,
    LookupError,
    AttributeError,
    ArithmeticError,
    AssertionError,
)


def deterministic(error: BaseException) -> bool:
    """Whether applying the same events again would fail the same way.

    Only DataError and IntegrityError from the database qualify: OperationalError (connection
    lost, server restarting, lock or statement timeout, serialization failure), InterfaceError,
    ProgrammingError (a table dropped under us by a rebuild) and InternalError come from the
    surroundings and are retried, never skipped. So are the event store's own errors and I/O."""
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return False
        return isinstance(error, (sa_exc.DataError, sa_exc.IntegrityError))
    if isinstance(error, sa_exc.StatementError):
        # A Python error raised while binding the event's values to a statement.
        return error.orig is not None and deterministic(error.orig)
    if isinstance(error, (sa_exc.SQLAlchemyError, PersistenceError, OSError, TimeoutError)):
        return False
    return isinstance(error, _DETERMINISTIC)


@dataclass
class _Failing:
    """What is known about a notification while its batch is being bisected."""

    first_failed_at: int
    attempts: int = 0


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
        self._reads = single_reads(engine)  # position() is polled by every read that waits for this projection
        self.projection = projection
        self.source = source
        self.decode = decode
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._committed = 0
        # Where this process's loop left the position: its next round starts there without reading the row.
        # The claim checks it; a round that finds it wrong (another runner moved it) forgets it.
        self._start: int | None = None
        # Waiters in this process wake when a batch commits: this runner's own, or another process's that a
        # listener heard of (observe()).
        self._advanced = threading.Condition()
        # Whether commits are heard of (a listener on PROJECTION_APPLIED in this process, or this process
        # runs the projection): a waiter then looks at the table rarely, in case a notification was lost.
        self.heard: Callable[[], bool] = lambda: self.running
        # Whether this process is told of each append to the log (appended(), from a LISTEN on the event store's
        # NOTIFY): then an idle log costs no polling.
        self.appends_heard: Callable[[], bool] = lambda: False
        # Caught up, it takes the next batch poll_interval after the last, never sooner, rather than chase every
        # commit, so batches stay large under load; a reader waiting in wait_for() wakes it at once. Only what
        # the surroundings raise reaches the loop (run_once steps over the rest): it backs off from it.
        self._loop = PollingLoop(
            f"dregs-projection-{projection.name}",
            self.run_once,
            caught_up=lambda done: done < self.batch_size,
            poll=lambda: TOLD_POLL_SECONDS if self.appends_heard() else self.poll_interval,
            rest=lambda: self.poll_interval,
            backoff=lambda failures: min(0.1 * 2**failures, 5.0),
            failed=lambda _: log.exception("projection %s failed; retrying", self.name),
            again=(PositionTaken,),
        )
        with engine.begin() as conn:
            insert_ignore(conn, projection_positions, [{"name": projection.name, "position": 0}])

    @property
    def name(self) -> str:
        return self.projection.name

    def position(self) -> int:
        with self._reads.connect() as conn:
            value = conn.execute(_POSITION, {"projection": self.name}).scalar_one()
        self.observe(value)
        return value

    def observe(self, position: int) -> None:
        """The log is applied up to `position` (read, committed here, or announced by the process that did)."""
        if position > self._committed:
            with self._advanced:
                self._committed = max(self._committed, position)
                self._advanced.notify_all()

    @property
    def known_position(self) -> int:
        """The position as this process last saw it (its own commits and reads): never ahead of the table."""
        return self._committed

    def head(self) -> int:
        return self.source.max_notification_id() or 0

    def run_once(self, until: int | None = None) -> int:
        """Process one batch, ending at `until` at the latest; returns how many notifications it covered.

        Raises what the surroundings raise (the caller retries); steps over, and records, a
        notification that fails on its own (see the module's docstring)."""
        # A reader's round (until) reads the row: it may run in any thread, beside this process's loop.
        start = self._start if until is None and self._start is not None else self.position()
        if until is not None and until <= start:
            return 0
        self._start = None
        notifications = list(self.source.select_notifications(start + 1, self.batch_size, stop=until))
        if not notifications:
            self._start = start if until is None else None
            return 0
        try:
            end = self._apply(start, notifications)
        except PositionTaken:
            raise
        except Exception as error:
            if not deterministic(error):
                raise
            end = self._bisect(start, notifications, {})
        self.observe(end)
        if until is None:
            self._start = end
        return len(notifications)

    def _apply(self, start: int, notifications: Sequence[Any]) -> int:
        """Apply the notifications and move the position from `start` past them, in one transaction."""
        end = notifications[-1].id
        events = [(n.id, self._decode(n)) for n in notifications]
        with self.engine.begin() as conn:
            self._claim(conn, start)
            self.projection.apply(conn, events)
            self._move(conn, start, end)
        return end

    def _decode(self, notification: Any) -> Any:
        try:
            return self.decode(notification)
        except Exception as error:
            raise UndecodableEvent(f"notification {notification.id}: {error!r}") from error

    def _claim(self, conn: Connection, start: int) -> None:
        """Lock the position's row before any other row is written (PostgreSQL): a second runner of this
        projection (a rebuild beside a running process) waits here, then finds the position taken, where it
        used to deadlock with the first on the rows both were upserting. SQLite has no row locks (FOR UPDATE
        compiles to nothing): taking its database lock this early would only make other runners wait."""
        locked = conn.execute(_CLAIM, {"projection": self.name}).scalar()
        if locked != start:
            raise PositionTaken(self.name)

    def _move(self, conn: Connection, start: int, end: int) -> None:
        where = {"projection": self.name, "start": start, "end": end}
        if conn.dialect.name == "postgresql":
            # The NOTIFY is delivered at commit, to readers in other processes (a decision inside a request waits
            # for its event).
            tell = {"channel": PROJECTION_APPLIED, "payload": f"{self.name} {end}"}
            moved = len(conn.execute(_MOVE_AND_TELL, {**where, **tell}).all())
        else:
            moved = conn.execute(_MOVE, where).rowcount
        if moved != 1:
            raise PositionTaken(self.name)

    def _bisect(self, start: int, notifications: Sequence[Any], failing: dict[int, _Failing]) -> int:
        """`notifications` failed together with a deterministic error: commit every one that
        applies, step over each that fails alone twice. Returns the new position."""
        at = _now_micros()
        for n in notifications:
            failing.setdefault(n.id, _Failing(first_failed_at=at)).attempts += 1
        if len(notifications) == 1:
            (notification,) = notifications
            try:
                # Alone, once more: the batch's failure may have been another event's doing.
                return self._apply(start, notifications)
            except PositionTaken:
                raise
            except Exception as again:
                if not deterministic(again):
                    raise
                failing[notification.id].attempts += 1
                self._step_over(start, notification, again, failing[notification.id])
                return notification.id
        position = start
        middle = len(notifications) // 2
        for half in (notifications[:middle], notifications[middle:]):
            try:
                position = self._apply(position, half)
            except PositionTaken:
                raise
            except Exception as half_error:
                if not deterministic(half_error):
                    raise
                position = self._bisect(position, half, failing)
        return position

    def _step_over(self, start: int, notification: Any, error: Exception, failure: _Failing) -> None:
        text = escaped(f"{type(error).__name__}: {error}")[:MAX_ERROR_TEXT]
        topic = getattr(notification, "topic", None)
        originator = getattr(notification, "originator_id", None)
        row = {
            "projection": self.name,
            "notification_id": notification.id,
            "originator_id": escaped(str(originator)) if originator is not None else None,
            "topic": escaped(topic) if topic is not None else None,
            "error": text,
            "attempts": failure.attempts,
            "first_failed_at": failure.first_failed_at,
            "last_failed_at": _now_micros(),
        }
        with self.engine.begin() as conn:
            self._claim(conn, start)
            upsert(conn, projection_failures, [row], keep=frozenset({"first_failed_at"}))
            self._move(conn, start, notification.id)
        log.error(
            "projection %s could not apply notification %d (%s) after %d attempts and stepped over it; "
            "the read models lack its effects until `dregs projections rebuild`: %s",
            self.name,
            notification.id,
            topic,
            failure.attempts,
            text,
            exc_info=error,
        )

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
        self._loop.start()

    def wake(self) -> None:
        """Apply the next batch now rather than after the poll (a reader in another process waits for it)."""
        self._loop.wake()

    def appended(self) -> None:
        """The log has new events: apply them with the next batch, poll_interval after the last."""
        self._loop.nudge()

    def stop(self, timeout: float = 5.0) -> None:
        self._loop.stop(timeout)

    @property
    def running(self) -> bool:
        """Whether this process runs the projection (its thread), rather than another process."""
        return self._loop.running

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until the read model reflects the log up to `position`."""
        if position <= self._committed:
            return True
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            if self.position() >= position:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._loop.wake()
            wait = HEARD_RECHECK_SECONDS if self.heard() else delay
            with self._advanced:
                if self._advanced.wait_for(lambda: self._committed >= position, min(wait, remaining)):
                    return True
            delay = min(delay * 2, UNHEARD_POLL_SECONDS)

    def wait_for_head(self, timeout: float) -> bool:
        return self.wait_for(self.head(), timeout)
