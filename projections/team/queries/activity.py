"""The account activity log as GET /api/team/activity lists it."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, or_, select

from projections.paging import Page, PageRequest, paginate, sort_column
from projections.schema import team_activity

SORTS: dict[str, Any] = {"at": team_activity.c.at}


@dataclass(frozen=True)
class ActivityFilter:
    actor: str | None = None  # a person's user id or email address, or a key's "key <name>"
    kind: str | None = None  # a kind (member.role_changed) or its family (member)


def list_activity(conn: Connection, customer_id: UUID, page: PageRequest, filters: ActivityFilter) -> Page:
    c = team_activity.c
    query = select(team_activity).where(c.customer_id == customer_id)
    if filters.actor is not None:
        try:
            by_id = UUID(filters.actor)
        except ValueError:
            query = query.where(func.lower(c.actor) == filters.actor.lower())
        else:
            query = query.where(or_(c.actor_id == by_id, func.lower(c.actor) == filters.actor.lower()))
    if filters.kind is not None:
        family = filters.kind.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"
        query = query.where(or_(c.kind == filters.kind, c.kind.like(family, escape="\\")))
    return paginate(conn, query, page, sort_column(SORTS, page.sort, "at"), [c.position])
