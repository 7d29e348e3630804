"""A team's limits and what it has used of each, as GET /api/account, the CLI and ingestion read them."""

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, func, select

from domain.team.limits import Limits
from projections.schema import (
    badge_rules,
    channels,
    escalation_rules,
    event_usage,
    identities,
    projection_positions,
    team_members,
    teams,
)

LIMIT_COLUMNS = tuple(Limits().as_dict())


def _limits(row: Any) -> Limits:
    return Limits(**{name: row[name] for name in LIMIT_COLUMNS})


def limits_of(conn: Connection, customer_id: UUID) -> Limits:
    """The team's limits; none for a team the read model does not know yet."""
    row = conn.execute(select(teams).where(teams.c.customer_id == customer_id)).mappings().first()
    return Limits() if row is None else _limits(row)


def events_in(conn: Connection, customer_id: UUID, month: str) -> int:
    c = event_usage.c
    found = conn.execute(select(c.events).where(c.customer_id == customer_id, c.month == month)).scalar()
    return int(found or 0)


def _count(conn: Connection, statement: Any) -> int:
    return int(conn.execute(statement).scalar() or 0)


def usage(conn: Connection, customer_id: UUID, month: str) -> dict[str, int]:
    """What the team has: its events this month, identities, members, live rules and channels."""
    live_rules = sum(
        _count(conn, select(func.count()).where(t.c.customer_id == customer_id, t.c.deleted.is_(False)))
        for t in (badge_rules, escalation_rules)
    )
    return {
        "events_per_month": events_in(conn, customer_id, month),
        "identities": _count(conn, select(func.count()).where(identities.c.customer_id == customer_id)),
        "members": _count(conn, select(func.count()).where(team_members.c.customer_id == customer_id)),
        "rules": live_rules,
        "channels": _count(
            conn, select(func.count()).where(channels.c.customer_id == customer_id, channels.c.deleted.is_(False))
        ),
    }


def all_teams(conn: Connection) -> list[dict[str, Any]]:
    """Every team with its limits, oldest first."""
    rows = conn.execute(select(teams).order_by(teams.c.created_at, teams.c.customer_id)).mappings()
    return [{"customer_id": r["customer_id"], "name": r["name"], "limits": _limits(r)} for r in rows]


def allowance(conn: Connection, customer_id: UUID, month: str) -> dict[str, Any]:
    """The team's limits, its events this month, its identities, and the tracking log's position up to which
    those counts go: one statement, so all of them are of one snapshot."""
    t, u, p = teams.c, event_usage.c, projection_positions.c
    count = select(func.count()).where(identities.c.customer_id == customer_id).scalar_subquery()
    events = select(u.events).where(u.customer_id == customer_id, u.month == month).scalar_subquery()
    position = select(p.position).where(p.name == "tracking").scalar_subquery()
    team = t.customer_id == customer_id
    limits = [select(getattr(t, n)).where(team).scalar_subquery().label(f"limit_{n}") for n in LIMIT_COLUMNS]
    statement = select(events.label("events"), count.label("identity_count"), position.label("position"), *limits)
    row = conn.execute(statement).mappings().one()
    return {
        "limits": Limits(**{n: row[f"limit_{n}"] for n in LIMIT_COLUMNS}),
        "events": int(row["events"] or 0),
        "identities": int(row["identity_count"] or 0),
        "position": int(row["position"] or 0),
    }


def identity_known(conn: Connection, customer_id: UUID, identity: str) -> bool:
    c = identities.c
    return (
        conn.execute(select(c.identity_id).where(c.customer_id == customer_id, c.identity_id == identity)).first()
        is not None
    )


def retention_limits(conn: Connection) -> list[tuple[UUID, int]]:
    """(team, days) of every team whose data is kept a limited number of days: the retention job's list."""
    rows = conn.execute(
        select(teams.c.customer_id, teams.c.retention_days).where(teams.c.retention_days.is_not(None))
    ).all()
    return [(customer_id, int(days)) for customer_id, days in rows]
