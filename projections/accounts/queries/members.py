from uuid import UUID

from sqlalchemy import Connection, select

from domain.accounts.roles import Role
from projections.schema import team_members


def admin_emails(conn: Connection, customer_id: UUID) -> list[str]:
    """The addresses of the team's admins."""
    rows = conn.execute(
        select(team_members.c.email)
        .where(team_members.c.customer_id == customer_id, team_members.c.role == Role.ADMIN.value)
        .order_by(team_members.c.email)
    ).scalars()
    return list(rows)
