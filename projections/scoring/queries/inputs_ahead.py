"""A decision's inputs ahead of the tracking projection.

A decision inside the request (POST /api/events?decide=true) scores its identity with the event the request
just recorded. Waiting for `dregs run projections` to show that event meant waiting for the batch it was
running, then for the batch with the event: at half load most of a decision's time, and most of its tail
(bench/decide_latency.py). Instead the decision reads the log from the projection's position to its event,
keeps what the identity's inputs depend on (its own events, and its team's mapping and device changes), and
has the tracking projection write the rows those make inside a transaction that the inputs are read from and
that is then rolled back. The projection writes the same rows for real soon after; the identity's own inputs
are the same either way (tests/integration/test_inputs_ahead.py). Other identities' events in that stretch of
the log are not read: the graph around the identity is as of the projection's position, tens of milliseconds
old, and whoever gains a key shared with it is queued for a cycle when the projection applies that, as ever.

One snapshot (REPEATABLE READ) shows the projection's position and the rows written up to it, so no event is
applied twice. A projection batch that commits rows of this identity meanwhile fails the write (a
serialization failure): it is tried again from the new position, and after that the caller waits instead.
The other way round, a projection batch that reaches rows the decision has written waits for its rollback:
the transaction holds them only while it writes and reads them (the log is read before it begins).

On SQLite (one writer for the whole database) a decision waits for the projection, as it always did."""

import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg import errors
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from projections.runner import ProjectionRunner
from projections.schema import projection_positions
from projections.scoring.queries.scoring_queue import CycleInputs, load_inputs
from projections.tracking.projection import TrackingProjection, shapes_inputs_of

log = logging.getLogger(__name__)

# Further behind than this many notifications, reading ahead would cost more than the decision is worth.
MAX_TAIL = 2000
ATTEMPTS = 2
_RETRIED = (errors.SerializationFailure, errors.DeadlockDetected)


@dataclass(frozen=True)
class Ahead:
    inputs: CycleInputs | None  # None: nothing recorded about the identity yet


class InputsAhead:
    """Reads a cycle's inputs as of a tracking log position the read models may not show yet (PostgreSQL)."""

    def __init__(self, engine: Engine, runner: ProjectionRunner, max_tail: int = MAX_TAIL) -> None:
        if not isinstance(runner.projection, TrackingProjection):
            raise TypeError("inputs are read ahead of the tracking projection only")
        self.engine = engine
        self.runner = runner
        self.projection: TrackingProjection = runner.projection
        self.max_tail = max_tail

    @property
    def applies(self) -> bool:
        # SQLite has one writer: the transaction would hold up the projection (and every other write).
        return self.engine.dialect.name == "postgresql"

    def load(self, customer_id: UUID, identity: str, position: int) -> Ahead | None:
        """The identity's inputs including every event up to `position`; None if they cannot be read ahead
        here (SQLite, too far behind, or the projection kept writing the identity's rows): wait instead."""
        if not self.applies:
            return None
        # The log is read and decoded before the transaction, so that the rows it writes are held (and a
        # projection batch that reaches them waits) only while they are written and read.
        start = self.runner.position()
        if position - start > self.max_tail:
            return None
        shaping = self._shaping(customer_id, identity, start, position) if start < position else []
        for _ in range(ATTEMPTS):
            try:
                return self._attempt(customer_id, identity, position, shaping)
            except OperationalError as error:
                if not isinstance(error.orig, _RETRIED):
                    raise
                log.debug("reading ahead of the tracking projection met its batch: %s", error.orig)
        return None

    def _attempt(self, customer_id: UUID, identity: str, position: int, shaping: list[tuple[int, Any]]) -> Ahead:
        with self.engine.connect() as conn:
            conn.execution_options(isolation_level="REPEATABLE READ")
            transaction = conn.begin()
            try:
                # The position in the snapshot the rows are read from: the events after it are not in them.
                reached = conn.execute(
                    select(projection_positions.c.position).where(projection_positions.c.name == self.runner.name)
                ).scalar_one()
                self.runner.observe(reached)
                events = [(n, event) for n, event in shaping if n > reached]
                if events:
                    self.projection.preview(conn, events)
                return Ahead(load_inputs(conn, customer_id, identity))
            finally:
                transaction.rollback()

    def _shaping(self, customer_id: UUID, identity: str, start: int, position: int) -> list[tuple[int, Any]]:
        """The events after `start` up to `position` that shape the identity's inputs."""
        notifications = self.runner.source.select_notifications(start + 1, position - start, stop=position)
        decoded = ((n.id, self.runner.decode(n)) for n in notifications)
        return [(n, event) for n, event in decoded if shapes_inputs_of(event, customer_id, identity)]
