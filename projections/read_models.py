"""How fresh a read is: the one rule every reader of the read models goes through.

Reads wait for the projections rather than writes waiting for them (ingestion stays fast, and clients
still read their own writes). A read is answered from read models at least as new as a position of a
log: the position a command of this request just recorded, or the log's head when the request began.
The wait is bounded: under a write storm a read serves slightly stale data rather than hang."""

import logging
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Literal

from sqlalchemy import Connection, Engine

from projections.runner import PositionTaken, ProjectionRunner
from projections.single_reads import single_reads
from projections.wakeups import PROJECTION_WANTED, notify

logger = logging.getLogger(__name__)

Log = Literal["accounts", "tracking", "scoring", "alerting"]
ACCOUNTS: Log = "accounts"
TRACKING: Log = "tracking"
SCORING: Log = "scoring"
ALERTING: Log = "alerting"

DEFAULT_HANDOFF_SECONDS = 0.25


class ReadModels:
    def __init__(
        self,
        engine: Engine,
        runners: Mapping[str, ProjectionRunner],
        timeout: float,
        handoff: float = DEFAULT_HANDOFF_SECONDS,
    ) -> None:
        self.engine = engine
        self._runners = runners
        self.timeout = timeout  # seconds a read waits for the projections to reach what it must show
        # How long advance_to waits for the projections process it woke before applying batches itself.
        self.handoff = handoff
        self._notify = single_reads(engine)
        self._advancing: dict[str, threading.Lock] = {}

    def reach(self, log: Log, position: int) -> bool:
        """Wait until the read models reflect `log` up to `position` (a command this request recorded:
        twice the usual patience, since the caller is owed its own write). False if they did not in time."""
        return self._runners[log].wait_for(position, self.timeout * 2)

    def advance_to(self, log: Log, position: int) -> bool:
        """reach(), for a caller that cannot wait out another process's poll (a decision inside the request:
        `dregs run projections` polls every 0.1 s). Where that other process runs the projection, on
        PostgreSQL, it is asked to apply the log at once (NOTIFY, see adapters/wakeups.py): it
        applies its batches anyway, so the request's thread only waits. If the event is not shown within
        `handoff` (that process is down, or busy with a long batch), this thread applies the next batches
        itself: runners in several processes take turns on the position's row (ProjectionRunner._claim),
        so nothing is applied twice. In the process that runs the projection, or on SQLite, it is reach()."""
        runner = self._runners[log]
        if runner.running or self.engine.dialect.name != "postgresql":
            return self.reach(log, position)
        deadline = time.monotonic() + self.timeout * 2
        if runner.known_position >= position:
            return True
        try:
            with self._notify.connect() as conn:
                notify(conn, PROJECTION_WANTED, log)
        except Exception:
            logger.warning("could not ask the projections process to apply %s now", log, exc_info=True)
        if runner.wait_for(position, min(self.handoff, self.timeout * 2)):
            return True
        # One thread of this process applies a batch at a time; the others wait here, holding no
        # connection, and usually find their event applied by then (rather than each reading and
        # decoding the same batch only to lose the position's row to the first).
        turn = self._advancing.setdefault(log, threading.Lock())
        while runner.position() < position:
            if not turn.acquire(timeout=max(0.0, deadline - time.monotonic())):
                return runner.position() >= position
            try:
                if runner.position() < position:
                    # Only as far as this request's event: the rest is the projection process's batch.
                    runner.run_once(until=position)
            except PositionTaken:
                pass  # another process's runner moved it: look again
            except Exception:
                # Whatever the surroundings raise, the projection's own process retries: wait for it.
                logger.warning("advancing projection %s failed; waiting for its process", log, exc_info=True)
                return runner.wait_for(position, max(0.0, deadline - time.monotonic()))
            finally:
                turn.release()
            if time.monotonic() >= deadline:
                return runner.position() >= position
        return True

    @contextmanager
    def at_least(self, log: Log, position: int) -> Iterator[Connection]:
        """A connection to read models that show `log` up to `position`."""
        self.reach(log, position)
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def current(self, *logs: Log) -> Iterator[Connection]:
        """A connection to read models that show every write committed to `logs` before this call."""
        for log in logs:
            self._runners[log].wait_for_head(self.timeout)
        with self.engine.connect() as conn:
            yield conn

    def heads(self) -> dict[str, int]:
        """Each log's newest notification id: what a projection that is up to date has reached."""
        return {name: runner.head() for name, runner in self._runners.items()}

    @contextmanager
    def as_they_are(self) -> Iterator[Connection]:
        """No wait: for readers that must not depend on the projections' progress (health, auth's fast path)."""
        with self.engine.connect() as conn:
            yield conn
