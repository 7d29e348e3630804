"""The deliveries still to be tried, for the workers' sweep (adapters/alerting/worker.py): the database is
the truth, so whatever a queue lost (a killed worker, a flushed Redis) is queued again from here."""

from datetime import datetime
from typing import NamedTuple
from uuid import UUID

from sqlalchemy import Connection, select

from domain.alerting.delivery import PENDING
from domain.times import from_micros, to_micros
from projections.schema import deliveries


class PendingDelivery(NamedTuple):
    customer_id: UUID
    delivery_id: UUID
    next_attempt_at: datetime
    attempt: int  # the number of the next try


def pending_deliveries(conn: Connection, due_before: datetime, limit: int = 1000) -> list[PendingDelivery]:
    """PENDING deliveries due before `due_before`, soonest first."""
    rows = conn.execute(
        select(deliveries.c.customer_id, deliveries.c.delivery_id, deliveries.c.next_attempt_at, deliveries.c.attempts)
        .where(
            deliveries.c.status == PENDING,
            deliveries.c.next_attempt_at.is_not(None),
            deliveries.c.next_attempt_at <= to_micros(due_before),
        )
        .order_by(deliveries.c.next_attempt_at)
        .limit(limit)
    ).all()
    return [PendingDelivery(r.customer_id, r.delivery_id, from_micros(r.next_attempt_at), r.attempts + 1) for r in rows]
