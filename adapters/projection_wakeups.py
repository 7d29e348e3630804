"""The process that runs the projections applies a log at once when a reader in another process asks,
rather than at its next poll (`dregs run projections` polls every 0.1 s, so that its batches stay large).

A decision inside a request (POST /api/events?decide=true) needs the tracking projection to show its event.
The web process used to apply the batch itself: the same work the projections process then lost the position's
row for, done at the requests' priority with the web's connections, and the largest part of a decision's CPU
at load (bench/decide_latency.py --profile-dir). Now it asks with PostgreSQL's NOTIFY on one channel
(ReadModels.advance_to) and this listener, in the projections process, wakes the runner named in the payload."""

import logging
from collections.abc import Mapping

import psycopg
from sqlalchemy import Engine

from domain.polling import PollingLoop
from projections.read_models import WAKEUP_CHANNEL
from projections.runner import ProjectionRunner

log = logging.getLogger(__name__)

LISTEN_SECONDS = 0.5  # how long one round waits for notifications: the bound on stop()


class ProjectionWakeups:
    """LISTENs on WAKEUP_CHANNEL with a connection of its own and wakes the runners it is asked for;
    nothing on SQLite (one process runs everything there)."""

    def __init__(self, engine: Engine, runners: Mapping[str, ProjectionRunner]) -> None:
        self.engine = engine
        self.runners = runners
        self._conn: psycopg.Connection | None = None
        # A lost connection is opened again after a pause; until then the runners still poll.
        self._loop = PollingLoop(
            "dregs-projection-wakeups",
            self._listen,
            caught_up=lambda _: False,  # each round already waits, for notifications
            poll=lambda: LISTEN_SECONDS,
            backoff=lambda failures: min(0.5 * 2**failures, 10.0),
            failed=lambda delay: log.warning("listening for projection wakeups failed; again in %.1f s", delay),
        )

    @property
    def applies(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def start(self) -> None:
        if self.applies:
            self._loop.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._loop.stop(timeout)
        self._close()

    @property
    def listening(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def _connect(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed:
            url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self._conn = psycopg.connect(url, autocommit=True)
            self._conn.execute(f"LISTEN {WAKEUP_CHANNEL}")
        return self._conn

    def _listen(self) -> int:
        try:
            conn = self._connect()
            woken = 0
            for notify in conn.notifies(timeout=LISTEN_SECONDS):
                runner = self.runners.get(notify.payload)
                if runner is not None:
                    runner.wake()
                    woken += 1
            return woken
        except Exception:
            self._close()
            raise

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:
                pass  # already gone: that is why it is being closed
