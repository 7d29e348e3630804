from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, exists, func, or_, select, tuple_

from projections.paging import Page, PageRequest, like_pattern, paginate, sort_column
from projections.schema import group_members, groups

SORTS = {
    "lastTrackedAt": groups.c.last_tracked_at,
    "displayName": groups.c.display_name,
    "firstSeenAt": groups.c.created_at,
    "createdAt": groups.c.created_at,
    "updatedAt": groups.c.updated_at,
    "identityCount": groups.c.identity_count,
    "id": groups.c.group_id,
    "type": groups.c.group_type,
}


@dataclass(frozen=True)
class GroupFilter:
    group_type: str | None = None
    identity: str | None = None
    term: str | None = None


def list_groups(conn: Connection, customer_id: UUID, f: GroupFilter, page: PageRequest) -> Page:
    order = sort_column(SORTS, page.sort, "lastTrackedAt")
    query = select(groups).where(groups.c.customer_id == customer_id)
    if f.group_type:
        query = query.where(groups.c.group_type == f.group_type)
    if f.identity is not None:
        query = query.where(
            exists(
                select(group_members.c.group_id).where(
                    group_members.c.customer_id == customer_id,
                    group_members.c.group_type == groups.c.group_type,
                    group_members.c.group_id == groups.c.group_id,
                    group_members.c.identity_id == f.identity,
                )
            )
        )
    if f.term:
        pattern = like_pattern(f.term)
        query = query.where(
            or_(
                func.lower(groups.c.group_id).like(pattern, escape="\\"),
                func.lower(groups.c.display_name).like(pattern, escape="\\"),
            )
        )
    return paginate(conn, query, page, order, [groups.c.group_type, groups.c.group_id])


def get_group(conn: Connection, customer_id: UUID, group_type: str, group_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(groups).where(
                groups.c.customer_id == customer_id,
                groups.c.group_type == group_type,
                groups.c.group_id == group_id,
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def display_names(conn: Connection, customer_id: UUID, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    if not keys:
        return {}
    rows = conn.execute(
        select(groups.c.group_type, groups.c.group_id, groups.c.display_name).where(
            groups.c.customer_id == customer_id,
            tuple_(groups.c.group_type, groups.c.group_id).in_(list(keys)),
        )
    )
    return {(r.group_type, r.group_id): r.display_name for r in rows}
