"""The team's live badge and escalation rules, by page or by slug."""

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, select

from projections.paging import Page, PageRequest, paginate, sort_column
from projections.schema import badge_rules, escalation_rules


def sorts(table: Table) -> dict[str, Any]:
    found = {
        "createdAt": table.c.created_at,
        "updatedAt": table.c.updated_at,
        "name": table.c.name,
        "slug": table.c.slug,
        "id": table.c.number,
    }
    if table is badge_rules:
        found["priority"] = table.c.priority
    else:
        found["severity"] = table.c.severity
    return found


BADGE_RULE_SORTS = sorts(badge_rules)
ESCALATION_RULE_SORTS = sorts(escalation_rules)


def _list(conn: Connection, table: Table, customer_id: UUID, page: PageRequest, sorts: dict[str, Any]) -> Page:
    order = sort_column(sorts, page.sort, "createdAt")
    query = select(table).where(table.c.customer_id == customer_id, table.c.deleted.is_(False))
    return paginate(conn, query, page, order, [table.c.number])


def _by_slug(conn: Connection, table: Table, customer_id: UUID, slug: str) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(table).where(table.c.customer_id == customer_id, table.c.slug == slug, table.c.deleted.is_(False))
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def list_badge_rules(conn: Connection, customer_id: UUID, page: PageRequest) -> Page:
    return _list(conn, badge_rules, customer_id, page, BADGE_RULE_SORTS)


def list_escalation_rules(conn: Connection, customer_id: UUID, page: PageRequest) -> Page:
    return _list(conn, escalation_rules, customer_id, page, ESCALATION_RULE_SORTS)


def badge_rule(conn: Connection, customer_id: UUID, slug: str) -> dict[str, Any] | None:
    return _by_slug(conn, badge_rules, customer_id, slug)


def escalation_rule(conn: Connection, customer_id: UUID, slug: str) -> dict[str, Any] | None:
    return _by_slug(conn, escalation_rules, customer_id, slug)


def escalation_rule_names(conn: Connection, customer_id: UUID, numbers: set[int]) -> dict[int, dict[str, Any]]:
    """Each rule's current name and slug (deleted ones too), for references to it."""
    if not numbers:
        return {}
    rows = conn.execute(
        select(
            escalation_rules.c.number, escalation_rules.c.name, escalation_rules.c.slug, escalation_rules.c.deleted
        ).where(escalation_rules.c.customer_id == customer_id, escalation_rules.c.number.in_(sorted(numbers)))
    ).mappings()
    return {r["number"]: dict(r) for r in rows}
