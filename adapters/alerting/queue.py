"""The two DeliveryQueues: arq on Redis (production), and in-process threads with a due-time heap (the embedded
default). Both run the same use case (application/alerting/deliveries.py) and carry ids only; a job is keyed
by (delivery, try), so the same try queued twice (by the evaluator and by the sweep) runs once.

Neither is the truth: the `deliveries` read model is. The sweep (`sweep`) queues again every PENDING
delivery due soon, at start and every DREGS_DELIVERY_SWEEP_SECONDS, so nothing a queue loses stays lost."""

import asyncio
import heapq
import itertools
import logging
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from uuid import UUID

import msgspec
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from sqlalchemy import Engine

from application.alerting.deliveries import Deliveries, Tried
from application.alerting.ports import DeliveryQueue
from projections.alerting.queries.pending_deliveries import pending_deliveries

log = logging.getLogger(__name__)

# arq 0.28 calls redis-py 5's deprecated close(); nothing to act on.
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"arq\..*")
warnings.filterwarnings("ignore", message=r".*close\(\) is deprecated.*", category=DeprecationWarning)

FUNCTION = "deliver"
ENQUEUE_TIMEOUT = 10.0
SWEEP_BATCH = 5000


def queue_name(prefix: str) -> str:
    return f"{prefix}:arq:deliveries"


def job_id(delivery_id: UUID | str, attempt: int) -> str:
    return f"{delivery_id}:{attempt}"


def after(queue: DeliveryQueue, customer_id: UUID, delivery_id: UUID, tried: Tried) -> None:
    """Queue what comes after a try: the same try when postponed, the next one after a failure."""
    if tried.next_attempt_at is None:
        return
    attempt = tried.attempt if tried.what == "postponed" else tried.attempt + 1
    queue.enqueue(customer_id, delivery_id, tried.next_attempt_at, attempt=attempt)


def sweep(views: Engine, queue: DeliveryQueue, horizon: timedelta, now: datetime | None = None) -> int:
    """Queue every PENDING delivery due within `horizon`; the number queued (coalesced ones included)."""
    now = now or datetime.now(UTC)
    with views.connect() as conn:
        found = pending_deliveries(conn, now + horizon, SWEEP_BATCH)
    for p in found:
        queue.enqueue(p.customer_id, p.delivery_id, p.next_attempt_at, attempt=p.attempt)
    return len(found)


class InProcessQueue:
    """Tries deliveries on a few threads of this process, each at its time."""

    def __init__(self, deliveries: Deliveries, views: Engine, *, workers: int = 4, sweep_seconds: float = 30.0) -> None:
        self.deliveries = deliveries
        self.views = views
        self.sweep_seconds = sweep_seconds
        self._heap: list[tuple[float, int, UUID, UUID, int]] = []
        self._keys: set[tuple[UUID, int]] = set()  # queued or running: a second job for one try is dropped
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="dregs-delivery")
        self._stopping = False
        self._threads: list[threading.Thread] = []
        self._clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def enqueue(self, customer_id: UUID, delivery_id: UUID, at: datetime | None = None, attempt: int = 1) -> None:
        key = (delivery_id, attempt)
        due = (at or self._clock()).timestamp()
        with self._wake:
            if key in self._keys or self._stopping:
                return
            self._keys.add(key)
            heapq.heappush(self._heap, (due, next(self._order), customer_id, delivery_id, attempt))
            self._wake.notify_all()  # the sweep thread waits on it too

    def start(self) -> None:
        for target, name in ((self._dispatch, "dregs-delivery-queue"), (self._sweeping, "dregs-delivery-sweep")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(10)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _dispatch(self) -> None:
        while True:
            with self._wake:
                while not self._stopping:
                    now = self._clock().timestamp()
                    if self._heap and self._heap[0][0] <= now:
                        break
                    self._wake.wait(None if not self._heap else min(1.0, self._heap[0][0] - now))
                if self._stopping:
                    return
                _, _, customer_id, delivery_id, attempt = heapq.heappop(self._heap)
            self._pool.submit(self._run, customer_id, delivery_id, attempt)

    def _run(self, customer_id: UUID, delivery_id: UUID, attempt: int) -> None:
        try:
            tried = self.deliveries.attempt(delivery_id)
        except Exception:  # the delivery stays PENDING: the sweep brings it back
            log.exception("trying delivery %s failed", delivery_id)
            tried = None
        with self._wake:
            self._keys.discard((delivery_id, attempt))
        if tried is not None:
            after(self, customer_id, delivery_id, tried)

    def _sweeping(self) -> None:
        while True:
            try:
                sweep(self.views, self, timedelta(seconds=self.sweep_seconds))
            except Exception:
                log.exception("the delivery sweep failed; trying again in %s s", self.sweep_seconds)
            with self._wake:
                if self._stopping or self._wake.wait_for(lambda: self._stopping, self.sweep_seconds):
                    return


class ArqQueue:
    """Enqueues arq jobs on Redis from synchronous code (request threads, worker threads), through one event
    loop of its own: arq's client is asyncio-only, and a pool belongs to the loop that made it."""

    def __init__(self, redis_url: str, prefix: str) -> None:
        self.redis_settings = RedisSettings.from_dsn(redis_url)
        self.queue_name = queue_name(prefix)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="dregs-arq-enqueue", daemon=True)
        self._thread.start()
        self._pool: ArqRedis | None = None

    async def _get_pool(self) -> ArqRedis:
        if self._pool is None:
            self._pool = await create_pool(
                self.redis_settings,
                default_queue_name=self.queue_name,
                job_serializer=msgspec.json.encode,
                job_deserializer=msgspec.json.decode,
            )
        return self._pool

    async def aenqueue(self, customer_id: UUID, delivery_id: UUID, at: datetime | None, attempt: int) -> None:
        await enqueue_job(await self._get_pool(), self.queue_name, customer_id, delivery_id, at, attempt)

    def enqueue(self, customer_id: UUID, delivery_id: UUID, at: datetime | None = None, attempt: int = 1) -> None:
        future = asyncio.run_coroutine_threadsafe(self.aenqueue(customer_id, delivery_id, at, attempt), self._loop)
        future.result(ENQUEUE_TIMEOUT)

    def close(self) -> None:
        async def closing() -> None:
            if self._pool is not None:
                await self._pool.aclose()

        if self._loop.is_running():
            asyncio.run_coroutine_threadsafe(closing(), self._loop).result(ENQUEUE_TIMEOUT)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)


async def enqueue_job(
    redis: ArqRedis, name: str, customer_id: UUID, delivery_id: UUID, at: datetime | None, attempt: int
) -> None:
    defer = at if at is not None and at > datetime.now(UTC) else None
    await redis.enqueue_job(
        FUNCTION,
        str(customer_id),
        str(delivery_id),
        _job_id=job_id(delivery_id, attempt),
        _queue_name=name,
        _defer_until=defer,
    )
