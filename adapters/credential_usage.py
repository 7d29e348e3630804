"""When each API key was last used, to the minute: noted in memory on every request a key authenticates (a
dictionary lookup once the minute is noted), and written by a thread of its own at most once a minute per key
in each process, so no request waits on the database for it."""

import logging
import threading
import time
from collections.abc import Callable
from uuid import UUID

from sqlalchemy import Engine

from projections.schema import credential_usage
from projections.upsert import upsert

log = logging.getLogger(__name__)
RESOLUTION_SECONDS = 60
MICROS = 1_000_000


class CredentialUsage:
    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._clock = clock
        self._noted: dict[UUID, int] = {}  # credential → the minute last noted
        self._pending: dict[UUID, int] = {}  # credential → µs, not written yet
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def used(self, credential_id: UUID) -> None:
        now = self._clock()
        minute = int(now // RESOLUTION_SECONDS)
        if self._noted.get(credential_id) == minute:
            return
        with self._lock:
            self._noted[credential_id] = minute
            self._pending[credential_id] = int(now * MICROS)
            if self._thread is None and not self._stopping:
                self._thread = threading.Thread(target=self._run, name="credential-usage", daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> None:
        """Write what is noted and not written yet."""
        with self._lock:
            rows = [{"credential_id": c, "last_used_at": at} for c, at in self._pending.items()]
            self._pending.clear()
        if rows:
            with self._engine.begin() as conn:
                upsert(conn, credential_usage, rows)

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait()
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # a database outage: the next use of the key notes it again next minute
                log.warning("could not record when API keys were last used", exc_info=True)

    def close(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)
        try:
            self.flush()
        except Exception:
            log.warning("could not record when API keys were last used", exc_info=True)
