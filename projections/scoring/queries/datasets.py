"""A team's own dataset entries: as scoring reads them, and as listed."""

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, select

from projections.schema import dataset_entries

_d = dataset_entries.c


def dataset_versions(conn: Connection, customer_id: UUID | None = None) -> dict[UUID, int]:
    """Each team's (or one team's) datasets version: the log position of its latest entry change."""
    query = select(_d.customer_id, func.max(_d.position)).group_by(_d.customer_id)
    if customer_id is not None:
        query = query.where(_d.customer_id == customer_id)
    return {team: position for team, position in conn.execute(query)}


def team_entries(conn: Connection, customer_id: UUID) -> tuple[int | None, dict[str, frozenset[str]]]:
    """The team's own entries and the log position of their latest change (None: never any), from one
    statement: two would let a change land between them, and a decision would name a version older than the
    entries it was scored with (a replay then finds it diverged)."""
    found: dict[str, set[str]] = {}
    latest = None
    for slug, key, present, position in conn.execute(
        select(_d.slug, _d.key, _d.present, _d.position).where(_d.customer_id == customer_id)
    ):
        latest = position if latest is None else max(latest, position)
        if present:
            found.setdefault(slug, set()).add(key)
    return latest, {slug: frozenset(keys) for slug, keys in found.items()}


def team_datasets(conn: Connection, customer_id: UUID) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(_d.slug, func.count().label("entry_count"), func.max(_d.updated_at).label("updated_at"))
        .where(_d.customer_id == customer_id, _d.present.is_(True))
        .group_by(_d.slug)
        .order_by(_d.slug)
    ).mappings()
    return [dict(r) for r in rows]


def entries_of(conn: Connection, customer_id: UUID, slug: str, limit: int, offset: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(_d.key, _d.value, _d.created_at, _d.updated_at)
        .where(_d.customer_id == customer_id, _d.slug == slug, _d.present.is_(True))
        .order_by(_d.key)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return [dict(r) for r in rows]
