"""`dregs run worker`: the arq worker that tries deliveries (the Procfile's `worker` process).

Jobs are JSON (never pickle) and carry ids only: (customer id, delivery id). The worker also sweeps:
at start and every DREGS_DELIVERY_SWEEP_SECONDS it queues again every PENDING delivery due soon, from the
`deliveries` read model, so deliveries survive a killed worker and a flushed Redis."""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
from arq import Retry
from arq.connections import RedisSettings
from arq.worker import Worker, func

from adapters.alerting.queue import FUNCTION, ArqQueue, enqueue_job, queue_name, sweep
from adapters.bootstrap import Container

log = logging.getLogger(__name__)

# A try waits at most 15 s for the receiver; the rest is the store. A job killed with its worker runs
# again once its in-progress mark expires (this + 10 s), or sooner when the sweep queues it.
JOB_TIMEOUT_SECONDS = 60
# Postponements (rate limits) re-run the same job; a crashed run counts too. The database caps the tries.
MAX_JOB_TRIES = 1000


async def deliver(ctx: dict[str, Any], customer_id: str, delivery_id: str) -> str:
    container: Container = ctx["container"]
    assert container.deliveries is not None
    tried = await asyncio.to_thread(container.deliveries.attempt, UUID(delivery_id))
    if tried.next_attempt_at is not None:
        if tried.what == "postponed":
            # This very job is still queued under its id, so it cannot be queued again: arq runs it later.
            raise Retry(defer=max(0.0, (tried.next_attempt_at - datetime.now(UTC)).total_seconds()))
        await enqueue_job(
            ctx["redis"],
            ctx["queue_name"],
            UUID(customer_id),
            UUID(delivery_id),
            tried.next_attempt_at,
            tried.attempt + 1,
        )
    return tried.what


class _RedisQueue:
    """The worker's own pool as a DeliveryQueue for the sweep, called from a thread."""

    def __init__(self, ctx: dict[str, Any], loop: asyncio.AbstractEventLoop) -> None:
        self.ctx = ctx
        self.loop = loop

    def enqueue(self, customer_id: UUID, delivery_id: UUID, at: datetime | None = None, attempt: int = 1) -> None:
        job = enqueue_job(self.ctx["redis"], self.ctx["queue_name"], customer_id, delivery_id, at, attempt)
        asyncio.run_coroutine_threadsafe(job, self.loop).result(30)


async def _sweeping(ctx: dict[str, Any]) -> None:
    container: Container = ctx["container"]
    seconds = container.settings.delivery_sweep_seconds
    queue = _RedisQueue(ctx, asyncio.get_running_loop())
    while True:
        try:
            count = await asyncio.to_thread(sweep, container.views, queue, timedelta(seconds=seconds))
            if count:
                log.info("sweep: %d pending deliveries queued", count)
        except Exception:
            log.exception("the delivery sweep failed; trying again in %s s", seconds)
        await asyncio.sleep(seconds)


async def _startup(ctx: dict[str, Any]) -> None:
    ctx["sweeper"] = asyncio.create_task(_sweeping(ctx))


async def _shutdown(ctx: dict[str, Any]) -> None:
    sweeper = ctx.get("sweeper")
    if sweeper is not None:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper


def build_worker(container: Container, **overrides: Any) -> Worker:
    settings = container.settings
    assert settings.redis_url, "the arq worker needs REDIS_URL"
    name = queue_name(settings.redis_key_prefix)
    options: dict[str, Any] = {
        "functions": [func(deliver, name=FUNCTION, max_tries=MAX_JOB_TRIES)],
        "queue_name": name,
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "job_serializer": msgspec.json.encode,
        "job_deserializer": msgspec.json.decode,
        "ctx": {"container": container, "queue_name": name},
        "on_startup": _startup,
        "on_shutdown": _shutdown,
        "max_jobs": settings.delivery_concurrency,
        # arq polls Redis for due jobs; its default half second would be most of a webhook's latency.
        "poll_delay": 0.05,
        "job_timeout": JOB_TIMEOUT_SECONDS,
        "keep_result": 0,  # a finished job leaves no key behind, so the sweep may queue its id again
        "max_tries": MAX_JOB_TRIES,
        "health_check_key": f"{name}:health-check",
    }
    options.update(overrides)
    return Worker(**options)


def arq_queue(container: Container) -> ArqQueue:
    assert container.settings.redis_url
    return ArqQueue(container.settings.redis_url, container.settings.redis_key_prefix)
