"""A team's CUSTOMER mappings: as the projections and scoring apply them, and as listed."""

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, bindparam, func, select

from domain.tracking.mappings import Overrides
from projections.schema import mappings

_m = mappings.c


# Built once, as the scoring queue's statements are (see its docstring): every cycle of a team with mappings reads them.
_TEAM_OVERRIDES = (
    select(_m.kind, _m.source, _m.target)
    .where(_m.customer_id == bindparam("customer", type_=_m.customer_id.type), _m.target.is_not(None))
    .order_by(_m.position)
)


def team_overrides(conn: Connection, customer_id: UUID) -> Overrides:
    overrides = Overrides()
    rows = conn.execute(_TEAM_OVERRIDES, {"customer": customer_id})
    for row in rows:
        overrides = overrides.with_mapping(row.kind, row.source, row.target)
    return overrides


def team_mappings(conn: Connection, customer_id: UUID) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(mappings)
        .where(_m.customer_id == customer_id, _m.target.is_not(None))
        .order_by(_m.kind, func.lower(_m.source))
    ).mappings()
    return [dict(r) for r in rows]


def mapping_versions(conn: Connection, customer_id: UUID | None = None) -> dict[UUID, int]:
    """Each team's (or one team's) mapping version: the log position of its latest mapping change."""
    query = select(_m.customer_id, func.max(_m.position)).group_by(_m.customer_id)
    if customer_id is not None:
        query = query.where(_m.customer_id == customer_id)
    return {team: position for team, position in conn.execute(query)}
