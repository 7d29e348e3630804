"""Group commit for POST /api/events.

The event store serializes writes per application (a table lock and one
transaction per save), so one save per request caps throughput. A single
writer thread instead takes every request that arrived while the previous
save ran and commits them together; each request is acknowledged only once
its batch is committed. A repeated event id inside a batch, or one already
stored, is answered as a replay and never fails its neighbours."""

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError

from application.ports import StoredAggregateIds
from application.tracking import TrackingApplication
from domain.tracking.tracked_event import TrackedEvent

log = logging.getLogger(__name__)

MAX_BATCH = 1000
MAX_QUEUED = 20_000
_CONFLICT_RETRIES = 3


class IngestionOverloaded(Exception):
    """The writer's queue is full; the caller should retry later."""


@dataclass(frozen=True)
class Committed:
    event_id: str
    replay: bool  # True when the event was already stored: nothing new was written
    position: int  # notification id up to which the batch was written


@dataclass
class _Pending:
    event: TrackedEvent
    future: "Future[Committed]"
    # Collected once: a save that fails must be retryable with the same domain events.
    domain_events: list[DomainEventProtocol[UUID]] = field(default_factory=list)


class GroupCommitter:
    def __init__(
        self,
        app: TrackingApplication,
        stored_ids: StoredAggregateIds,
        *,
        on_commit: Callable[[int], None] | None = None,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._app = app
        self._stored_ids = stored_ids
        self._on_commit = on_commit
        self._max_batch = max_batch
        self._queue: queue.Queue[_Pending | None] = queue.Queue(MAX_QUEUED)
        self._thread = threading.Thread(target=self._run, name="dregs-group-commit", daemon=True)
        self._thread.start()

    def submit(self, event: TrackedEvent) -> "Future[Committed]":
        future: Future[Committed] = Future()
        try:
            self._queue.put_nowait(_Pending(event, future, list(event.collect_events())))
        except queue.Full:
            raise IngestionOverloaded from None
        return future

    def close(self, timeout: float = 10.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[_Pending]) -> None:
        firsts: dict[UUID, _Pending] = {}
        for pending in batch:
            firsts.setdefault(pending.event.id, pending)
        try:
            written, position = self._save_new(list(firsts.values()))
        except Exception as exc:  # the store is down or broken: every caller gets the error
            log.exception("group commit of %d events failed", len(batch))
            for pending in batch:
                if not pending.future.done():
                    pending.future.set_exception(exc)
            return
        if self._on_commit and written:
            self._on_commit(position)
        for pending in batch:
            replay = firsts[pending.event.id] is not pending or pending.event.id not in written
            pending.future.set_result(Committed(pending.event.event_id, replay, position))

    def _save_new(self, unique: list[_Pending]) -> tuple[set[UUID], int]:
        ids = [p.event.id for p in unique]
        stored = self._stored_ids.existing(ids)
        for attempt in range(_CONFLICT_RETRIES):
            new = [p for p in unique if p.event.id not in stored]
            if not new:
                return set(), 0
            try:
                position = self._app.save_all([e for p in new for e in p.domain_events])
                return {p.event.id for p in new}, position
            except IntegrityError:
                # Another process stored some of these between our check and our save.
                if attempt == _CONFLICT_RETRIES - 1:
                    raise
                stored = self._stored_ids.existing(ids)
        raise AssertionError("unreachable")
