"""The events of many aggregates in one query (application/ports.py StoredEventsPort: an identity's record, time
travel, rule backtests): the library reads one aggregate a query, so an identity's thousand tracked events took a
thousand round trips (0.5 s on PostgreSQL)."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from application.audit.decoding import FastDecoder

CHUNK = 500  # ids a statement: well under SQLite's limit on parameters


class StoredEvents:
    def __init__(self) -> None:
        self._decoders: dict[str, FastDecoder] = {}  # by application: what a decoder learns of topics is kept

    def events_of(self, app: Application[UUID], ids: Sequence[UUID]) -> dict[UUID, list[Any]]:
        """Each aggregate's domain events, oldest first (no entry for an id without any)."""
        found: dict[UUID, list[Any]] = defaultdict(list)
        for stored, event in self.decoded(app, ids):  # an aggregate's events are in the log in their versions' order
            found[stored.originator_id].append(event)
        return dict(found)

    def decoded(self, app: Application[UUID], ids: Sequence[UUID]) -> list[tuple[StoredEvent, Any]]:
        """The aggregates' stored events, each with its domain event, in log order; the personal-data keys they
        need read at once (application/audit/decoding.py)."""
        stored = [s for _, s in self.logged(app, ids)]
        decoder = self._decoders.get(app.name)
        if decoder is None:
            decoder = self._decoders[app.name] = FastDecoder(app.mapper)
        return list(zip(stored, decoder.each(stored), strict=True))

    def logged(self, app: Application[UUID], ids: Sequence[UUID]) -> list[tuple[int, StoredEvent]]:
        """The aggregates' stored events with their positions in the application's log, in log order (a backtest
        replays a team's decisions in the order the live rules met them)."""
        wanted = list(dict.fromkeys(ids))
        found = [row for start in range(0, len(wanted), CHUNK) for row in _logged(app, wanted[start : start + CHUNK])]
        return sorted(found, key=lambda row: row[0])


def _logged(app: Application[UUID], ids: list[UUID]) -> list[tuple[int, StoredEvent]]:
    recorder = app.recorder
    if not ids:
        return []
    if isinstance(recorder, PostgresApplicationRecorder):
        from psycopg.sql import SQL, Identifier

        statement = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {}.{} "
            "WHERE originator_id = ANY(%s)"
        ).format(Identifier(recorder.datastore.schema), Identifier(recorder.events_table_name))
        with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(statement, (ids,))
            return [
                (
                    r["notification_id"],
                    StoredEvent(r["originator_id"], r["originator_version"], r["topic"], bytes(r["state"])),
                )
                for r in cursor.fetchall()
            ]
    if isinstance(recorder, SQLiteApplicationRecorder):
        marks = ",".join("?" * len(ids))
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                "SELECT rowid, originator_id, originator_version, topic, state "  # noqa: S608 - fixed name, bound ids
                f"FROM {recorder.events_table_name} WHERE originator_id IN ({marks})",
                [i.hex for i in ids],
            )
            return [
                (r["rowid"], StoredEvent(UUID(r["originator_id"]), r["originator_version"], r["topic"], r["state"]))
                for r in cursor.fetchall()
            ]
    # Any other recorder (e.g. in-memory): its whole log, read for these ids.
    wanted = set(ids)
    return [
        (n.id, StoredEvent(n.originator_id, n.originator_version, n.topic, n.state))
        for n in recorder.select_notifications(start=1, limit=2**62)
        if n.originator_id in wanted
    ]
