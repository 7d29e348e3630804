"""Reviews: an identity's, newest first, and those still waiting to be written."""

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from domain.scoring.review import IdentityReview
from projections.schema import reviews

_r = reviews.c


def identity_reviews(conn: Connection, customer_id: UUID, identity: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(reviews).where(_r.customer_id == customer_id, _r.identity_id == identity).order_by(_r.review_id.desc())
    ).mappings()
    return [dict(r) for r in rows]


def pending_reviews(conn: Connection, limit: int) -> list[tuple[UUID, int, str]]:
    rows = conn.execute(
        select(_r.customer_id, _r.review_id, _r.identity_id)
        .where(_r.status == IdentityReview.PENDING)
        .order_by(_r.created_at, _r.customer_id, _r.review_id)
        .limit(limit)
    )
    return [(r.customer_id, r.review_id, r.identity_id) for r in rows]
