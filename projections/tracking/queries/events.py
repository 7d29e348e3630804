from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, exists, func, select

from projections.paging import Page, PageRequest, like_pattern, paginate, sort_column
from projections.schema import event_groups, events

SORTS = {
    "timestamp": events.c.occurred_at,
    "receivedAt": events.c.received_at,
    "eventName": events.c.event_name,
    "canonicalType": events.c.canonical_type,
    "id": events.c.event_id,
}


@dataclass(frozen=True)
class EventFilter:
    identity: str | None = None
    group: str | None = None
    group_type: str | None = None
    device: str | None = None
    session: str | None = None
    term: str | None = None


def list_events(conn: Connection, customer_id: UUID, f: EventFilter, page: PageRequest) -> Page:
    order = sort_column(SORTS, page.sort, "timestamp")
    query = select(events).where(events.c.customer_id == customer_id)
    if f.identity is not None:
        query = query.where(events.c.identity_id == f.identity)
    if f.device is not None:
        query = query.where(events.c.fingerprint == f.device)
    if f.session is not None:
        query = query.where(events.c.session == f.session)
    if f.group or f.group_type:
        carried = select(event_groups.c.event_id).where(
            event_groups.c.customer_id == customer_id, event_groups.c.event_id == events.c.event_id
        )
        if f.group:
            carried = carried.where(event_groups.c.group_id == f.group)
        if f.group_type:
            carried = carried.where(event_groups.c.group_type == f.group_type)
        query = query.where(exists(carried))
    if f.term:
        query = query.where(func.lower(events.c.search_text).like(like_pattern(f.term), escape="\\"))
    return paginate(conn, query, page, order, [events.c.position])


def get_event(conn: Connection, customer_id: UUID, event_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(events).where(events.c.customer_id == customer_id, events.c.event_id == event_id))
        .mappings()
        .first()
    )
    return dict(row) if row else None
