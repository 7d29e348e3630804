"""The team's escalations: a filtered page, one by number, and the counts by status."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, or_, select

from domain.alerting.escalation import ACKNOWLEDGED, CLOSED, OPEN, PENDING
from projections.paging import Page, PageRequest, paginate, sort_column
from projections.schema import escalations

SORTS = {
    "createdAt": escalations.c.created_at,
    "openedAt": escalations.c.opened_at,
    "severity": escalations.c.severity_rank,
    "status": escalations.c.status,
    "closedAt": escalations.c.closed_at,
    "id": escalations.c.number,
}
# PENDING and CANCELLED ones were never shown to anyone: listed only when asked for by status.
SHOWN = (OPEN, ACKNOWLEDGED, CLOSED)


@dataclass(frozen=True)
class EscalationFilter:
    status: str | None = None
    severity: str | None = None
    identity: str | None = None
    rule_number: int | None = None
    rule_slug: str | None = None
    include_deleted_rules: bool = True


def list_escalations(conn: Connection, customer_id: UUID, f: EscalationFilter, page: PageRequest) -> Page:
    order = sort_column(SORTS, page.sort, "createdAt")
    query = select(escalations).where(escalations.c.customer_id == customer_id)
    query = query.where(escalations.c.status == f.status if f.status else escalations.c.status.in_(SHOWN))
    if f.severity:
        query = query.where(escalations.c.severity == f.severity)
    if f.identity:
        query = query.where(escalations.c.identity_id == f.identity)
    by_rule = []
    if f.rule_number is not None:
        by_rule.append(escalations.c.rule_number == f.rule_number)
    if f.rule_slug is not None:
        by_rule.append(escalations.c.rule_slug == f.rule_slug)
    if by_rule:
        query = query.where(or_(*by_rule))
    if not f.include_deleted_rules:
        query = query.where(escalations.c.rule_deleted.is_(False))
    return paginate(conn, query, page, order, [escalations.c.number])


def get_escalation(conn: Connection, customer_id: UUID, number: int) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(escalations).where(escalations.c.customer_id == customer_id, escalations.c.number == number)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def summary(conn: Connection, customer_id: UUID) -> dict[str, int]:
    counts = {status: 0 for status in (OPEN, ACKNOWLEDGED, CLOSED, PENDING)}
    rows = conn.execute(
        select(escalations.c.status, func.count())
        .where(escalations.c.customer_id == customer_id, escalations.c.status.in_(list(counts)))
        .group_by(escalations.c.status)
    )
    for status, count in rows:
        counts[status] = int(count)
    return counts
