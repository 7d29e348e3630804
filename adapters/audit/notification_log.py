"""An application's notification log read in pages for a whole-log scan (`dregs audit replay`).

On PostgreSQL the library's select_notifications asks for text results: each ~4 KB decision state comes as twice
as many hex digits, parsed into a dict per row, then made a frozen dataclass. The same statement with binary results
into named tuples used under half the client's CPU (bench/audit_replay.py's log of 50,000 decisions: 51,000-63,000
notifications per CPU-second with text results, 137,000-140,000 so) and took about half the time. On SQLite the
library's own is used: it reads no text form of the state."""

from collections.abc import Sequence
from typing import Any

from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.rows import namedtuple_row
from psycopg.sql import SQL, Identifier


class BinaryPostgresLog:
    """What application/audit/replay.py NotificationLog asks, read with binary results."""

    def __init__(self, recorder: PostgresApplicationRecorder) -> None:
        self._recorder = recorder
        self._statement = SQL(
            "SELECT notification_id AS id, originator_id, originator_version, topic, state FROM {}.{} "
            "WHERE notification_id >= %s AND notification_id <= %s ORDER BY notification_id LIMIT %s"
        ).format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None) -> Sequence[Any]:
        """Rows with the attributes of the library's Notification (id, originator_id, originator_version, topic,
        state), as named tuples."""
        bounds = (start or 1, stop if stop is not None else 2**63 - 1, limit)
        with (
            self._recorder.datastore.get_connection() as conn,
            conn.cursor(binary=True, row_factory=namedtuple_row) as cur,
        ):
            cur.execute(self._statement, bounds, prepare=True)
            return cur.fetchall()

    def max_notification_id(self) -> int | None:
        return self._recorder.max_notification_id()


def notification_log(recorder: Any) -> Any:
    """The fastest reader of this recorder's log for a whole-log scan: itself unless it is PostgreSQL's."""
    return BinaryPostgresLog(recorder) if isinstance(recorder, PostgresApplicationRecorder) else recorder
