from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from projections.schema import credential_usage, credentials


def list_credentials(conn: Connection, customer_id: UUID) -> list[dict[str, Any]]:
    """The team's credentials not revoked, newest first, each with when it was last used (or None)."""
    rows = conn.execute(
        select(credentials, credential_usage.c.last_used_at)
        .outerjoin(credential_usage, credential_usage.c.credential_id == credentials.c.credential_id)
        .where(credentials.c.customer_id == customer_id, credentials.c.revoked.is_(False))
        .order_by(credentials.c.created_at.desc())
    ).mappings()
    return [dict(r) for r in rows]


def credential_by_public_key(conn: Connection, public_key: str) -> dict[str, Any] | None:
    row = conn.execute(select(credentials).where(credentials.c.public_key == public_key)).mappings().first()
    return dict(row) if row else None


def browser_origins(conn: Connection) -> set[str]:
    """Every origin some usable browser key allows: the only ones a CORS preflight is answered for."""
    rows = conn.execute(
        select(credentials.c.allowed_origins).where(credentials.c.enabled.is_(True), credentials.c.revoked.is_(False))
    ).scalars()
    return {origin for origins in rows for origin in origins}
