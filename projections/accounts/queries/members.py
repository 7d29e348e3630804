from uuid import UUID

from sqlalchemy import Connection, select

from domain.accounts.roles import Role
from projections.schema import team_invitations, team_members


def admin_emails(conn: Connection, customer_id: UUID) -> list[str]:
    """The addresses of the team's admins."""
    rows = conn.execute(
        select(team_members.c.email)
        .where(
            team_members.c.customer_id == customer_id,
            team_members.c.role == Role.ADMIN.value,
            team_members.c.disabled.is_(False),
        )
        .order_by(team_members.c.email)
    ).scalars()
    return list(rows)


def members(conn: Connection, customer_id: UUID) -> list[dict[str, object]]:
    """The team's members, by email."""
    c = team_members.c
    rows = conn.execute(
        select(c.user_id, c.email, c.name, c.role, c.disabled).where(c.customer_id == customer_id).order_by(c.email)
    ).mappings()
    return [dict(row) for row in rows]


def roles(conn: Connection, customer_id: UUID) -> dict[UUID, str]:
    """User id → role, for every member of the team."""
    c = team_members.c
    return {
        row.user_id: row.role for row in conn.execute(select(c.user_id, c.role).where(c.customer_id == customer_id))
    }


def pending_invitations(conn: Connection, customer_id: UUID, now: int) -> list[dict[str, object]]:
    """The team's invitations not used, revoked or expired, newest first."""
    i = team_invitations.c
    rows = conn.execute(
        select(team_invitations)
        .where(i.customer_id == customer_id, i.status == "PENDING", i.expires_at > now)
        .order_by(i.created_at.desc())
    ).mappings()
    return [dict(row) for row in rows]
