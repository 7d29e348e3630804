from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, exists, func, or_, select

from projections.paging import Page, PageRequest, like_pattern, paginate, sort_column
from projections.schema import (
    IDENTITY_SEARCH,
    IDENTITY_SEARCHED,
    group_members,
    identities,
    identity_badges,
    identity_devices,
)

SORTS = {
    "lastTrackedAt": identities.c.last_tracked_at,
    "firstSeenAt": identities.c.created_at,
    "createdAt": identities.c.created_at,
    "updatedAt": identities.c.updated_at,
    "lastScoredAt": identities.c.last_scored_at,
    "humanityScore": identities.c.humanity_score,
    "authenticityScore": identities.c.authenticity_score,
    "uniquenessScore": identities.c.uniqueness_score,
    "behaviorScore": identities.c.behavior_score,
    "displayName": identities.c.display_name,
    "id": identities.c.identity_id,
}


@dataclass(frozen=True)
class IdentityFilter:
    term: str | None = None
    group: str | None = None
    group_type: str | None = None
    device: str | None = None
    badge: str | None = None
    # category (humanity, authenticity, uniqueness, behavior) → (least, most), either None; unscored ones drop out
    score_ranges: tuple[tuple[str, int | None, int | None], ...] = ()


SCORE_COLUMNS = {c: getattr(identities.c, f"{c}_score") for c in ("humanity", "authenticity", "uniqueness", "behavior")}


def list_identities(conn: Connection, customer_id: UUID, f: IdentityFilter, page: PageRequest) -> Page:
    order = sort_column(SORTS, page.sort, "lastTrackedAt")
    query = select(identities).where(identities.c.customer_id == customer_id)
    if f.term:
        pattern = like_pattern(f.term)
        if "\n" in f.term:  # the joined text's separator: it could match across two fields there
            query = query.where(or_(*(func.lower(c).like(pattern, escape="\\") for c in IDENTITY_SEARCHED)))
        else:
            query = query.where(IDENTITY_SEARCH.like(pattern, escape="\\"))
    if f.group or f.group_type:
        member = select(group_members.c.identity_id).where(
            group_members.c.customer_id == customer_id,
            group_members.c.identity_id == identities.c.identity_id,
        )
        if f.group:
            member = member.where(group_members.c.group_id == f.group)
        if f.group_type:
            member = member.where(group_members.c.group_type == f.group_type)
        query = query.where(exists(member))
    if f.device:
        query = query.where(
            exists(
                select(identity_devices.c.identity_id).where(
                    identity_devices.c.customer_id == customer_id,
                    identity_devices.c.identity_id == identities.c.identity_id,
                    identity_devices.c.fingerprint == f.device,
                )
            )
        )
    if f.badge:
        query = query.where(
            exists(
                select(identity_badges.c.identity_id).where(
                    identity_badges.c.customer_id == customer_id,
                    identity_badges.c.identity_id == identities.c.identity_id,
                    identity_badges.c.slug == f.badge,
                )
            )
        )
    for category, least, most in f.score_ranges:
        column = SCORE_COLUMNS[category]
        query = query.where(column.isnot(None))
        if least is not None:
            query = query.where(column >= least)
        if most is not None:
            query = query.where(column <= most)
    return paginate(conn, query, page, order, [identities.c.identity_id])


def get_identity(conn: Connection, customer_id: UUID, identity_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(identities).where(identities.c.customer_id == customer_id, identities.c.identity_id == identity_id)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def badges_of(conn: Connection, customer_id: UUID, identity_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = {i: [] for i in identity_ids}
    if not identity_ids:
        return result
    rows = conn.execute(
        select(identity_badges)
        .where(identity_badges.c.customer_id == customer_id, identity_badges.c.identity_id.in_(identity_ids))
        .order_by(identity_badges.c.priority.desc(), identity_badges.c.slug)
    ).mappings()
    for row in rows:
        result[row["identity_id"]].append(dict(row))
    return result


def display_names(conn: Connection, customer_id: UUID, identity_ids: set[str]) -> dict[str, str | None]:
    if not identity_ids:
        return {}
    rows = conn.execute(
        select(identities.c.identity_id, identities.c.display_name).where(
            identities.c.customer_id == customer_id, identities.c.identity_id.in_(list(identity_ids))
        )
    )
    return {r.identity_id: r.display_name for r in rows}
