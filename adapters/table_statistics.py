"""Planner statistics for read-model tables that grow faster than autovacuum looks at them.

PostgreSQL plans each query from statistics that autovacuum refreshes once a table has changed by a
tenth, and looks at most once a minute (autovacuum_naptime). A read model that grows from empty to
thousands of rows inside that minute (a new deployment's first traffic) is planned as if it were
still empty: a scoring cycle's search for the other holders of an identity's keys became a nested loop
rescanning `identities` for every row, 15 ms instead of 0.3, and a cycle took 45 ms instead of 18
(measured with bench/decide_latency.py's traffic). The keeper analyzes a read-model table once it has
changed by as many rows as it held at its last analysis: once each time a young table doubles, then
rarely, since autovacuum's own threshold (a tenth) comes first on a grown table."""

import logging
from collections.abc import Iterable

from sqlalchemy import Engine, bindparam, text

from domain.polling import PollingLoop

log = logging.getLogger(__name__)

MIN_CHANGES = 500  # below this, plans from a table's previous statistics are cheap whatever they are


_STALE = text(
    "SELECT relname FROM pg_stat_user_tables"
    " WHERE schemaname = current_schema() AND relname IN :tables"
    " AND n_mod_since_analyze > GREATEST(:least, n_live_tup - n_mod_since_analyze)"
    " ORDER BY relname"
).bindparams(bindparam("tables", expanding=True))


class TableStatistics:
    """Analyzes the named tables when they outgrow their statistics; nothing on SQLite."""

    def __init__(self, engine: Engine, tables: Iterable[str], interval: float = 2.0) -> None:
        self.engine = engine
        self.tables = sorted(tables)
        self.interval = interval
        # Statistics only make plans better: a failed round waits for the next (or for autovacuum).
        self._loop = PollingLoop(
            "dregs-table-statistics",
            lambda: len(self.run_once()),
            caught_up=lambda _: True,
            poll=lambda: self.interval,
            failed=lambda delay: log.warning("refreshing read-model statistics failed; again in %.0f s", delay),
        )

    @property
    def applies(self) -> bool:
        return self.engine.dialect.name == "postgresql" and bool(self.tables)

    def stale(self) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(_STALE, {"tables": self.tables, "least": MIN_CHANGES})
            return [r.relname for r in rows]

    def run_once(self) -> list[str]:
        """Analyze every table that outgrew its statistics; returns their names."""
        if not self.applies:
            return []
        analyzed = []
        for table in self.stale():
            with self.engine.connect() as conn:
                quoted = conn.dialect.identifier_preparer.quote(table)
                conn.execute(text(f"ANALYZE {quoted}"))
                conn.commit()
            analyzed.append(table)
        if analyzed:
            log.debug("analyzed read models that outgrew their statistics: %s", ", ".join(analyzed))
        return analyzed

    def start(self) -> None:
        if self.applies:
            self._loop.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._loop.stop(timeout)
