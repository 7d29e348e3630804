"""The events of many aggregates in one query (application/audit/as_of.py AggregateEvents): the library reads one
aggregate a query, so an identity's thousand tracked events took a thousand round trips (0.5 s on PostgreSQL)."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

CHUNK = 500  # ids a statement: well under SQLite's limit on parameters


class StoredEvents:
    def events_of(self, app: Application[UUID], ids: Sequence[UUID]) -> dict[UUID, list[Any]]:
        """Each aggregate's domain events, oldest first (no entry for an id without any)."""
        found: dict[UUID, list[Any]] = defaultdict(list)
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), CHUNK):
            for stored in _select(app, wanted[start : start + CHUNK]):
                found[stored.originator_id].append(app.mapper.to_domain_event(stored))
        return dict(found)


def _select(app: Application[UUID], ids: list[UUID]) -> list[StoredEvent]:
    recorder = app.recorder
    if not ids:
        return []
    if isinstance(recorder, PostgresApplicationRecorder):
        from psycopg.sql import SQL, Identifier

        statement = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {}.{} WHERE originator_id = ANY(%s) "
            "ORDER BY originator_id, originator_version"
        ).format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
        with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(statement, (ids,))
            return [
                StoredEvent(r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"]))
                for r in cursor.fetchall()
            ]
    if isinstance(recorder, SQLiteApplicationRecorder):
        marks = ",".join("?" * len(ids))
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT originator_id, originator_version, topic, state "  # noqa: S608 - fixed name, bound ids
                f"FROM {recorder.events_table_name} WHERE originator_id IN ({marks}) "
                "ORDER BY originator_id, originator_version",
                [i.hex for i in ids],
            )
            return [
                StoredEvent(UUID(r["originator_id"]), r["originator_version"], r["topic"], r["state"])
                for r in cursor.fetchall()
            ]
    # Any other recorder (e.g. in-memory): one aggregate at a time.
    return [stored for i in ids for stored in recorder.select_events(i)]
