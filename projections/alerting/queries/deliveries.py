"""A channel's delivery log: its deliveries newest first, paged, each with every attempt."""

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from projections.paging import Page, PageRequest, paginate, sort_column
from projections.schema import deliveries, delivery_attempts

SORTS = {"createdAt": deliveries.c.created_at}


def channel_deliveries(
    conn: Connection, customer_id: UUID, channel: int, page: PageRequest, status: str | None = None
) -> Page:
    """The channel's deliveries (newest first unless asked otherwise), each row with its `attempt_rows`."""
    order = sort_column(SORTS, page.sort, "createdAt")
    query = select(deliveries).where(deliveries.c.customer_id == customer_id, deliveries.c.channel == channel)
    if status is not None:
        query = query.where(deliveries.c.status == status)
    found = paginate(conn, query, page, order, [deliveries.c.delivery_id])
    attempts = attempts_of(conn, customer_id, [r["delivery_id"] for r in found.rows])
    for row in found.rows:
        row["attempt_rows"] = attempts.get(row["delivery_id"], [])
    return found


def attempts_of(conn: Connection, customer_id: UUID, delivery_ids: list[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    if not delivery_ids:
        return {}
    rows = conn.execute(
        select(delivery_attempts)
        .where(delivery_attempts.c.customer_id == customer_id, delivery_attempts.c.delivery_id.in_(delivery_ids))
        .order_by(delivery_attempts.c.delivery_id, delivery_attempts.c.attempt)
    ).mappings()
    found: dict[UUID, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["delivery_id"], []).append(dict(row))
    return found


def get_delivery(conn: Connection, customer_id: UUID, delivery_id: UUID) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(deliveries).where(deliveries.c.customer_id == customer_id, deliveries.c.delivery_id == delivery_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    found = dict(row)
    found["attempt_rows"] = attempts_of(conn, customer_id, [delivery_id]).get(delivery_id, [])
    return found
