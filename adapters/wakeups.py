"""Listeners for the NOTIFY channels of projections/wakeups.py: a process acts at once when another asks, rather
than at its next poll.

- The projections process (`dregs run projections` polls every 0.1 s, so that its batches stay large) applies a
  log at once when a decision inside a request (POST /api/events?decide=true) waits for its event. The web
  process used to apply the batch itself: the same work the projections process then lost the position's row
  for, done at the requests' priority with the web's connections, and the largest part of a decision's CPU at
  load (bench/decide_latency.py --profile-dir).
- The scoring process (polls every 0.25 s) scores a sign-up at once, before the rest of its round of re-scores:
  that first cycle is what the app's webhook waits for (bench/webhook_latency.py).
- A web worker beside `dregs run projections` hears of each batch that process commits, with the log's new
  position: its readers waiting for a position (a decision's event, a read of its own writes) wake at once,
  where they used to poll the position's row.
- The projections process hears of each append to an event log (the event store's own NOTIFY, sent by every
  insert): its runners no longer poll an idle log 40 times a second (over half of that process's CPU, and
  its share of PostgreSQL's, in a quiet deployment), yet under load still take a batch at most every 25 ms."""

import logging
from collections.abc import Callable, Mapping

import psycopg
from psycopg import sql
from sqlalchemy import Engine

from domain.polling import PollingLoop

log = logging.getLogger(__name__)

LISTEN_SECONDS = 0.5  # how long one round waits for notifications: the bound on stop()


class Wakeups:
    """LISTENs on each channel of `wakes` with one connection of its own and calls that channel's
    `wake(payload)` for each notification; nothing on SQLite (one process runs everything there, polling).
    `connected()` is called each time it starts to listen: what was sent before was not heard."""

    def __init__(
        self,
        engine: Engine,
        wakes: Mapping[str, Callable[[str], object]],
        connected: Callable[[], object] = lambda: None,
    ) -> None:
        self.engine = engine
        self.wakes = dict(wakes)
        self.connected = connected
        name = "+".join(self.wakes)
        self._conn: psycopg.Connection | None = None
        # A lost connection is opened again after a pause; until then the woken parts still poll.
        self._loop = PollingLoop(
            f"dregs-wakeups-{name}",
            self._listen,
            caught_up=lambda _: False,  # each round already waits, for notifications
            poll=lambda: LISTEN_SECONDS,
            backoff=lambda failures: min(0.5 * 2**failures, 10.0),
            failed=lambda delay: log.warning("listening on %s failed; again in %.1f s", name, delay),
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
            for channel in self.wakes:
                self._conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            self.connected()
        return self._conn

    def _listen(self) -> int:
        try:
            conn = self._connect()
            heard = 0
            for notify in conn.notifies(timeout=LISTEN_SECONDS):
                self.wakes[notify.channel](notify.payload)
                heard += 1
            return heard
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
