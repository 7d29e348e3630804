"""The alerting log → each channel's delivery log: one row a delivery, one row an attempt. The
worker's sweep reads the pending ones from here (projections/alerting/queries/pending_deliveries.py)."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, update

from domain.alerting.delivery import Delivery
from domain.times import to_micros
from projections.schema import deliveries, delivery_attempts
from projections.upsert import insert_ignore


def _micros(moment: Any) -> int | None:
    return None if moment is None else to_micros(moment)


def _created(conn: Connection, position: int, e: Delivery.Created) -> None:
    at = to_micros(e.at)
    row = {
        "delivery_id": e.originator_id,
        "customer_id": e.customer_id,
        "channel": e.channel,
        "event": e.event,
        "trigger": e.trigger,
        "identity_id": e.identity,
        "status": "PENDING",
        "attempts": 0,
        "last_status_code": None,
        "last_error": None,
        "next_attempt_at": at,
        "created_at": at,
        "delivered_at": None,
        "updated_at": at,
    }
    insert_ignore(conn, deliveries, [row])


def _update(conn: Connection, e: Any, **values: Any) -> None:
    conn.execute(update(deliveries).where(deliveries.c.delivery_id == e.originator_id).values(**values))


def _attempted(conn: Connection, position: int, e: Delivery.Attempted) -> None:
    at = to_micros(e.at)
    next_at = _micros(e.next_attempt_at)
    status = "DELIVERED" if e.succeeded else ("PENDING" if next_at is not None else "FAILED")
    # Only the delivery's customer is needed for the attempt row; read it from the delivery row.
    customer = conn.execute(
        deliveries.select()
        .with_only_columns(deliveries.c.customer_id)
        .where(deliveries.c.delivery_id == e.originator_id)
    ).scalar()
    if customer is not None:
        insert_ignore(
            conn,
            delivery_attempts,
            [
                {
                    "delivery_id": e.originator_id,
                    "attempt": e.attempt,
                    "customer_id": customer,
                    "at": at,
                    "status_code": e.status_code,
                    "error": e.error[:500] if e.error else None,
                    "succeeded": e.succeeded,
                    "next_attempt_at": next_at,
                }
            ],
        )
    _update(
        conn,
        e,
        status=status,
        attempts=e.attempt,
        last_status_code=e.status_code,
        last_error=e.error[:500] if e.error else None,
        next_attempt_at=next_at,
        delivered_at=at if e.succeeded else None,
        updated_at=at,
    )


def _postponed(conn: Connection, position: int, e: Delivery.Postponed) -> None:
    _update(conn, e, next_attempt_at=to_micros(e.until), last_error=e.reason[:500], updated_at=to_micros(e.timestamp))


def _abandoned(conn: Connection, position: int, e: Delivery.Abandoned) -> None:
    _update(conn, e, status="FAILED", next_attempt_at=None, last_error=e.reason[:500], updated_at=to_micros(e.at))


HANDLERS: dict[type, Callable[[Connection, int, Any], None]] = {
    Delivery.Created: _created,
    Delivery.Attempted: _attempted,
    Delivery.Postponed: _postponed,
    Delivery.Abandoned: _abandoned,
}
