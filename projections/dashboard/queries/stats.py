"""The numbers the dashboard's home shows, and GET /api/stats… answers: counts over a window of time, the
spread of each score, and the rules that acted. Every count is over one team's rows (its primary-key prefix)."""

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, and_, case, func, select

from projections.schema import badge_rules, escalation_rules, escalations, events, identities, identity_badges

CATEGORIES = ("humanity", "authenticity", "uniqueness", "behavior")
BUCKETS = 10  # 0–9, 10–19, … 90–100


def _count(conn: Connection, *where: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(identities).where(*where)).scalar_one())


def totals(conn: Connection, customer_id: UUID, start: int, end: int) -> dict[str, Any]:
    """Identities (all of them, and those tracked, new or scored in [start, end)), the events that occurred in
    the window, and each score's average over the identities tracked in it that have one."""
    i = identities.c
    team = i.customer_id == customer_id
    active = and_(team, i.last_tracked_at >= start, i.last_tracked_at < end)
    averages = conn.execute(
        select(*(func.avg(getattr(i, f"{c}_score")).label(c) for c in CATEGORIES)).where(active)
    ).one()
    e = events.c
    in_window = conn.execute(
        select(func.count()).where(e.customer_id == customer_id, e.occurred_at >= start, e.occurred_at < end)
    ).scalar_one()
    return {
        "identities": _count(conn, team),
        "active_identities": _count(conn, active),
        "new_identities": _count(conn, team, i.created_at >= start, i.created_at < end),
        "scored_identities": _count(conn, team, i.last_scored_at >= start, i.last_scored_at < end),
        "events": int(in_window),
        "averages": {
            c: None if getattr(averages, c) is None else round(float(getattr(averages, c)), 1) for c in CATEGORIES
        },  # fmt: skip
    }


def score_distribution(conn: Connection, customer_id: UUID, start: int, end: int) -> dict[str, list[int]]:
    """Per category, how many identities tracked in the window have a score in each tenth (90–100 the last)."""
    i = identities.c
    found: dict[str, list[int]] = {}
    for category in CATEGORIES:
        score = getattr(i, f"{category}_score")
        bucket = case((score >= (BUCKETS - 1) * 10, BUCKETS - 1), else_=score // 10)
        rows = conn.execute(
            select(bucket.label("bucket"), func.count())
            .where(i.customer_id == customer_id, i.last_tracked_at >= start, i.last_tracked_at < end, score.isnot(None))
            .group_by(bucket)
        ).all()
        counts = [0] * BUCKETS
        for b, n in rows:
            counts[int(b)] += int(n)
        found[category] = counts
    return found


def rule_activity(conn: Connection, customer_id: UUID, start: int, end: int) -> dict[str, list[dict[str, Any]]]:
    """The badge rules whose badge some identity holds (with how many), and the escalation rules that opened
    escalations in the window (with how many, and how many of those are still open), the busiest first."""
    b, h = badge_rules.c, identity_badges.c
    holders = (
        select(b.slug, b.name, b.type, func.count(h.identity_id).label("identities"))
        .join(identity_badges, and_(h.customer_id == b.customer_id, h.slug == b.slug))
        .where(b.customer_id == customer_id, b.deleted.is_(False))
        .group_by(b.slug, b.name, b.type)
        .order_by(func.count(h.identity_id).desc(), b.slug)
    )
    r, x = escalation_rules.c, escalations.c
    still_open = func.sum(func.cast(x.status.in_(("OPEN", "ACKNOWLEDGED")), type_=r.number.type))
    opened = (
        select(r.slug, r.name, r.severity, func.count().label("escalations"), still_open.label("open"))
        .join(escalations, and_(x.customer_id == r.customer_id, x.rule_number == r.number))
        .where(r.customer_id == customer_id, x.created_at >= start, x.created_at < end)
        .group_by(r.slug, r.name, r.severity)
        .order_by(func.count().desc(), r.slug)
    )
    return {
        "badge_rules": [dict(row) for row in conn.execute(holders).mappings()],
        "escalation_rules": [{**row, "open": int(row["open"] or 0)} for row in conn.execute(opened).mappings()],
    }


def open_escalations(conn: Connection, customer_id: UUID) -> dict[str, int]:
    """Escalations still open or acknowledged, per severity, the gravest first."""
    x = escalations.c
    rows = conn.execute(
        select(x.severity, func.count())
        .where(x.customer_id == customer_id, x.status.in_(("OPEN", "ACKNOWLEDGED")))
        .group_by(x.severity, x.severity_rank)
        .order_by(x.severity_rank.desc())
    )
    return {severity: int(count) for severity, count in rows}
