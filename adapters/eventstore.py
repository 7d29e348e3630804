"""Configuration of the eventsourcing persistence modules, and the one query the
library does not offer: which of many aggregate ids are already stored."""

from collections.abc import Collection
from pathlib import Path
from urllib.parse import unquote, urlsplit
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from adapters.data_dir import private_file, private_folder
from adapters.postgres_recorder import TOPIC as ONE_TRIP_RECORDER
from adapters.settings import DEFAULT_DB_POOL_SIZE

# How long a thread waits for a free connection of its pool (the library names it a connect timeout).
# Pools are small on purpose, so a burst queues here rather than opening more connections.
POOL_WAIT_SECONDS = 10


def postgres_env(database_url: str, pool_size: int = DEFAULT_DB_POOL_SIZE) -> dict[str, str]:
    """The eventsourcing settings of one application's store: a pool that keeps one connection open
    and opens up to `pool_size` under load (DREGS_DB_POOL_SIZE)."""
    url = urlsplit(database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_POOL_SIZE": "1",
        "POSTGRES_MAX_OVERFLOW": str(pool_size - 1),
        # No pre-ping: it costs a round trip per checkout; the pool's max lifetime and the
        # library's retries on OperationalError deal with broken connections.
        "POSTGRES_PRE_PING": "n",
        "POSTGRES_CONNECT_TIMEOUT": str(POOL_WAIT_SECONDS),
        "APPLICATION_RECORDER_TOPIC": ONE_TRIP_RECORDER,
    }


def sqlite_env(data_dir: Path, app_name: str) -> dict[str, str]:
    # The SQLite recorder always names its table stored_events: one file per application.
    private_folder(data_dir)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(private_file(data_dir / f"{app_name.lower()}-events.sqlite")),
        "SQLITE_LOCK_TIMEOUT": "10",
    }


class StoredIds:
    """Implements application.ports.StoredAggregateIds with one query per batch."""

    def __init__(self, app: Application[UUID]) -> None:
        self._recorder = app.recorder

    def existing(self, ids: Collection[UUID]) -> set[UUID]:
        if not ids:
            return set()
        recorder = self._recorder
        if isinstance(recorder, PostgresApplicationRecorder):
            from psycopg.sql import SQL, Identifier

            statement = SQL(
                "SELECT originator_id FROM {}.{} WHERE originator_id = ANY(%s) AND originator_version = 1"
            ).format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
            # One statement on an autocommit connection: no BEGIN/ROLLBACK round trips.
            with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
                cursor.execute(statement, (list(ids),))
                return {row["originator_id"] for row in cursor.fetchall()}
        if isinstance(recorder, SQLiteApplicationRecorder):
            hexes = [i.hex for i in ids]
            marks = ",".join("?" * len(hexes))
            with recorder.datastore.transaction(commit=False) as cursor:
                cursor.execute(
                    f"SELECT originator_id FROM {recorder.events_table_name} "  # noqa: S608 - fixed name
                    f"WHERE originator_id IN ({marks}) AND originator_version = 1",
                    hexes,
                )
                return {UUID(row[0]) for row in cursor.fetchall()}
        # Any other recorder (e.g. in-memory): ask per aggregate.
        return {i for i in ids if recorder.select_events(i, limit=1)}
