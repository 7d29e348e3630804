"""Group commit for POST /api/events.

The event store serializes writes per application (a table lock and one
transaction per save), so one save per request caps throughput. A single
writer thread instead takes every request that arrived while the previous
save ran and commits them together; each request is acknowledged only once
its batch is committed. A repeated event id inside a batch, or one already
stored, is answered as a replay and never fails its neighbours.

Callers on an event loop await `commit()`: the writer settles a whole batch of them
with one call into their loop, rather than one thread-safe wake-up per request
(measured: those wake-ups were ~7% of the web process's CPU). Threads use `submit()`.

Ids this process stored recently are remembered, so a client's retry is answered
without a query; other ids are saved optimistically, and only when the store
refuses a batch (an id stored by another process) does the writer ask which."""

import asyncio
import logging
import queue
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError

from application.ports import StoredAggregateIds
from application.tracking.application import TrackingApplication
from domain.tracking.tracked_event import TrackedEvent

log = logging.getLogger(__name__)

MAX_BATCH = 1000
# After a batch's first event, wait this long for more. With the one-round-trip
# PostgreSQL insert (adapters/postgres_recorder.py) a commit is cheap enough that
# waiting costs more than it saves: the requests that arrive while a batch commits
# already make the next batch (bench/ingest.py: 0 ms ~1,650/s, 2 ms ~1,430/s). A
# store with slow commits may still gain from a few ms (DREGS_INGEST_LINGER_MS).
LINGER_SECONDS = 0.0
MAX_QUEUED = 20_000
_CONFLICT_RETRIES = 3
REMEMBERED_IDS = 100_000


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
    # Collected once: a save that fails must be retryable with the same domain events.
    domain_events: list[DomainEventProtocol[UUID]]
    future: "Future[Committed] | None" = None  # a thread's caller
    waiter: "asyncio.Future[Committed] | None" = None  # an event loop's caller


_Outcome = tuple[_Pending, Committed | None, BaseException | None]


def _resolve(target: "Future[Committed] | asyncio.Future[Committed]", outcome: _Outcome) -> None:
    _, committed, error = outcome
    if target.done():  # a caller that timed out has cancelled it
        return
    if error is not None:
        target.set_exception(error)
    else:
        target.set_result(committed)  # type: ignore[arg-type]


def _settle_waiters(outcomes: list[_Outcome]) -> None:
    """Runs on the callers' event loop."""
    for outcome in outcomes:
        waiter = outcome[0].waiter
        if waiter is not None:
            _resolve(waiter, outcome)


class GroupCommitter:
    def __init__(
        self,
        app: TrackingApplication,
        stored_ids: StoredAggregateIds,
        *,
        max_batch: int = MAX_BATCH,
        linger: float = LINGER_SECONDS,
    ) -> None:
        self._app = app
        self._stored_ids = stored_ids
        self._max_batch = max_batch
        self._linger = linger
        self._queue: queue.Queue[_Pending | None] = queue.Queue(MAX_QUEUED)
        # Only the writer thread reads or writes this.
        self._stored: OrderedDict[UUID, None] = OrderedDict()
        # One writer: measured, a second one only contends for the store's table lock and
        # halves the batches (bench/ingest.py).
        self._thread = threading.Thread(target=self._run, name="dregs-group-commit", daemon=True)
        self._thread.start()

    def submit(self, event: TrackedEvent) -> "Future[Committed]":
        """For callers on a thread: a future that is set once the event's batch is committed."""
        future: Future[Committed] = Future()
        self._enqueue(_Pending(event, list(event.collect_events()), future=future))
        return future

    async def commit(self, event: TrackedEvent) -> Committed:
        """For callers on an event loop: returns once the event's batch is committed."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Committed] = loop.create_future()
        self._enqueue(_Pending(event, list(event.collect_events()), waiter=waiter))
        return await waiter

    def _enqueue(self, pending: _Pending) -> None:
        try:
            self._queue.put_nowait(pending)
        except queue.Full:
            raise IngestionOverloaded from None

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
            deadline = time.monotonic() + self._linger
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
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
        outcomes: list[_Outcome]
        try:
            written, position = self._save_new(list(firsts.values()))
        except Exception as exc:  # the store is down or broken: every caller gets the error
            log.exception("group commit of %d events failed", len(batch))
            outcomes = [(pending, None, exc) for pending in batch]
        else:
            outcomes = [
                (
                    pending,
                    Committed(
                        pending.event.event_id,
                        firsts[pending.event.id] is not pending or pending.event.id not in written,
                        position,
                    ),
                    None,
                )
                for pending in batch
            ]
        self._settle(outcomes)

    @staticmethod
    def _settle(outcomes: list[_Outcome]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[_Outcome]] = {}
        for outcome in outcomes:
            pending = outcome[0]
            if pending.waiter is not None:
                by_loop.setdefault(pending.waiter.get_loop(), []).append(outcome)
            elif pending.future is not None:
                _resolve(pending.future, outcome)
        for loop, settled in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle_waiters, settled)
            except RuntimeError:  # that loop has closed: nobody is waiting any more
                pass

    def _remember(self, ids: set[UUID]) -> None:
        for aggregate_id in ids:
            self._stored[aggregate_id] = None
            self._stored.move_to_end(aggregate_id)
        while len(self._stored) > REMEMBERED_IDS:
            self._stored.popitem(last=False)

    def _remembered(self, ids: list[UUID]) -> set[UUID]:
        return {i for i in ids if i in self._stored}

    def _save_new(self, unique: list[_Pending]) -> tuple[set[UUID], int]:
        ids = [p.event.id for p in unique]
        stored = self._remembered(ids)
        for attempt in range(_CONFLICT_RETRIES):
            new = [p for p in unique if p.event.id not in stored]
            if not new:
                return set(), 0
            try:
                position = self._app.record_new([e for p in new for e in p.domain_events])
            except IntegrityError:
                # Some id is already stored (by another process, or before this one started).
                if attempt == _CONFLICT_RETRIES - 1:
                    raise
                stored = self._stored_ids.existing(ids)
                self._remember(stored)
                continue
            written = {p.event.id for p in new}
            self._remember(written)
            return written, position
        raise AssertionError("unreachable")
