"""The database is the truth: 500 deliveries survive a SIGKILLed arq worker and a flushed Redis.

`dregs run worker` runs as a real subprocess on PostgreSQL and Redis (a Redis database of its own, empty
when the test starts, since FLUSHDB empties a whole database). It is killed mid-run, Redis is flushed, a
new worker starts: its sweep queues again what the database still holds as PENDING, and every delivery
arrives at least once and is DELIVERED in the log."""

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from uuid import UUID, uuid4

import pytest
import redis
from sqlalchemy import func, select

from adapters.bootstrap import Container, build_container
from domain.alerting.delivery import Delivery
from projections.schema import deliveries
from tests.delivery_support import new_secret, save_channel
from tests.support import fresh_postgres_database, settings_for, wait_until

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
COUNT = 500
FAIL_FIRST = 20  # these answer 500 once: retried through arq's deferred jobs


def empty_redis_database() -> int:
    """A Redis database nobody uses now; FLUSHDB must not empty other engineers' keys."""
    for db in range(15, 0, -1):
        client = redis.Redis(host="127.0.0.1", db=db)
        try:
            # Claim it for the test's length: a key with our name, set only where nothing else is.
            if client.dbsize() == 0 and client.set("dregs-delivery-fault-test", "1", nx=True, ex=600):
                if client.dbsize() == 1:
                    return db
                client.delete("dregs-delivery-fault-test")
        finally:
            client.close()
    pytest.skip("no empty Redis database to flush")


@contextlib.contextmanager
def counting_receiver(failing: set[str]) -> Iterator[tuple[str, dict[str, int]]]:
    """Counts the deliveries it receives by deliveryId; answers 500 the first time for those in `failing`."""
    seen: dict[str, int] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                delivery = json.loads(body)["deliveryId"]
            except ValueError:  # a body cut short by the SIGKILL
                self.send_response(400)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            with lock:
                seen[delivery] = seen.get(delivery, 0) + 1
                status = 500 if delivery in failing and seen[delivery] == 1 else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", seen
    finally:
        server.shutdown()
        server.server_close()


def worker(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "run", "worker"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )


def delivered(container: Container) -> int:
    container.alerting_runner.wait_for_head(5)
    with container.views.connect() as conn:
        return conn.execute(select(func.count()).where(deliveries.c.status == "DELIVERED")).scalar() or 0


def test_deliveries_survive_a_killed_worker_and_a_flushed_redis() -> None:
    db = empty_redis_database()
    redis_url = f"redis://127.0.0.1:6379/{db}"
    prefix = f"dregs-fault-{secrets.token_hex(4)}"
    with fresh_postgres_database() as url, tempfile.TemporaryDirectory(prefix="dregs-fault-") as tmp:
        settings = settings_for(
            url,
            Path(tmp) / "var",
            redis_url=redis_url,
            redis_key_prefix=prefix,
            webhooks_allow_private_networks=True,
            db_pool_size=2,
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DREGS_", "PG")) and k != "REDIS_URL"} | {
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "DREGS_REDIS_PREFIX": prefix,
            "DREGS_JWT_SECRET": settings.jwt_secret,
            "DREGS_KEY_HASH_SECRET": settings.key_hash_secret,  # the worker opens the sealed signing secret
            "DREGS_DATA_DIR": str(Path(tmp) / "var"),
            "DREGS_DB_POOL_SIZE": "2",
            "DREGS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true",
            "DREGS_DELIVERY_SWEEP_SECONDS": "1",
            "DREGS_RATE_LIMIT_CHANNEL_DELIVERIES": "off",
            "PYTHONUNBUFFERED": "1",
        }
        web = build_container(settings)
        web.alerting_runner.start()  # the projections process's part: the sweep reads the deliveries read model
        flusher = redis.Redis(host="127.0.0.1", db=db)
        first = second = None
        try:
            customer = uuid4()
            ids: list[UUID] = []
            planned = [Delivery.create_id(customer, 1, f"fault:{n}") for n in range(COUNT)]
            failing = {str(i) for i in planned[:FAIL_FIRST]}
            with counting_receiver(failing) as (hook, seen):
                channel = save_channel(web, customer, url=hook, secret=new_secret())
                batch = []
                for n in range(COUNT):
                    batch.append(
                        Delivery(
                            customer_id=customer,
                            channel=1,
                            channel_type=channel.type,
                            event="IDENTITY_SCORED",
                            trigger=f"fault:{n}",
                            identity=f"u{n}",
                            data={"identityId": f"u{n}", "n": n},
                            at=web.alerting.clock(),
                        )
                    )
                    if len(batch) == 50:
                        web.alerting.save(*batch)
                        ids.extend(d.id for d in batch)
                        batch = []
                assert ids == planned
                assert web.delivery_queue is not None
                for delivery_id in ids:  # as the web process does once it recorded them
                    web.delivery_queue.enqueue(customer, delivery_id)

                log_path = Path(tempfile.gettempdir()) / f"{prefix}-worker.log"  # kept to read after a failure
                first = worker(env, log_path)
                wait_until(lambda: len(seen) >= 100, 60, "the first worker to deliver 100", interval=0.01)
                first.send_signal(signal.SIGKILL)
                first.wait(10)
                at_kill = len(seen)
                assert at_kill < COUNT, "the first worker finished before it was killed: nothing was tested"
                flusher.flushdb()

                second = worker(env, log_path)
                wait_until(lambda: len(seen) == COUNT, 120, "every delivery to arrive", interval=0.05)
                wait_until(lambda: delivered(web) == COUNT, 60, "the log to say DELIVERED for all")
                assert set(seen) == {str(i) for i in ids}
                assert all(seen[str(i)] >= 2 for i in planned[:FAIL_FIRST])  # the 500, then the retry
                log = log_path.read_text(errors="replace")
                assert "sweep:" in log, log
                log_path.unlink()  # kept only when the test fails
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(20)
                    except subprocess.TimeoutExpired:
                        process.kill()
            web.close()
            flusher.flushdb()
            flusher.close()
