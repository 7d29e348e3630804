"""How far each projection has come, and what it stepped over (projections/runner.py)."""

from typing import Any

from sqlalchemy import Connection, func, select

from projections.schema import projection_failures, projection_positions


def positions(conn: Connection) -> dict[str, int]:
    return dict(conn.execute(select(projection_positions.c.name, projection_positions.c.position)).tuples().all())


def failure_counts(conn: Connection) -> dict[str, int]:
    f = projection_failures.c
    return dict(conn.execute(select(f.projection, func.count()).group_by(f.projection)).tuples().all())


def failures(conn: Connection, projection: str | None = None) -> list[dict[str, Any]]:
    f = projection_failures.c
    query = select(projection_failures).order_by(f.projection, f.notification_id)
    if projection is not None:
        query = query.where(f.projection == projection)
    return [dict(r) for r in conn.execute(query).mappings()]
