"""Finished analysis cycles: an identity's latest, one by number, and its score history."""

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from projections.schema import analyses

_a = analyses.c


def latest_analysis(conn: Connection, customer_id: UUID, identity: str) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(analyses)
            .where(_a.customer_id == customer_id, _a.identity_id == identity)
            .order_by(_a.cycle_id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def analysis_by_cycle(conn: Connection, customer_id: UUID, identity: str, cycle_id: int) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(analyses).where(_a.customer_id == customer_id, _a.cycle_id == cycle_id, _a.identity_id == identity)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def score_history(conn: Connection, customer_id: UUID, identity: str, limit: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            _a.cycle_id,
            _a.humanity_score,
            _a.authenticity_score,
            _a.uniqueness_score,
            _a.behavior_score,
            _a.event_count,
            _a.device_count,
            _a.finished_at,
        )
        .where(_a.customer_id == customer_id, _a.identity_id == identity)
        .order_by(_a.cycle_id.desc())
        .limit(limit)
    ).mappings()
    return [dict(r) for r in rows]
