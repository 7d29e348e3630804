"""The count of events each team recorded per calendar month, kept by the tracking projection in the same
transaction as the events themselves, so it is exact at every position of the log and after a rebuild."""

from collections import Counter
from uuid import UUID

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from projections.schema import event_usage


def add_events(conn: Connection, counts: Counter[tuple[UUID, str]]) -> None:
    """Add `counts` (team, month → events) to the teams' usage."""
    if not counts:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(event_usage)
    statement = statement.on_conflict_do_update(
        index_elements=[event_usage.c.customer_id, event_usage.c.month],
        set_={"events": event_usage.c.events + statement.excluded.events},
    )
    rows = [{"customer_id": c, "month": m, "events": n} for (c, m), n in sorted(counts.items())]
    conn.execute(statement, rows)
