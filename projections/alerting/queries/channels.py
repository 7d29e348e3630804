"""The team's channels, as the channels read model shows them (never a secret)."""

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from projections.schema import channels


def _live(customer_id: UUID) -> Any:
    return select(channels).where(channels.c.customer_id == customer_id, channels.c.deleted.is_(False))


def list_channels(conn: Connection, customer_id: UUID) -> list[dict[str, Any]]:
    """Every live channel of the team, oldest first (a team has a handful)."""
    rows = conn.execute(_live(customer_id).order_by(channels.c.number)).mappings()
    return [dict(r) for r in rows]


def channel_by_slug(conn: Connection, customer_id: UUID, slug: str) -> dict[str, Any] | None:
    row = conn.execute(_live(customer_id).where(channels.c.slug == slug)).mappings().first()
    return dict(row) if row else None
