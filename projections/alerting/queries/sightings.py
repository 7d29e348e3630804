"""Identities as the rules see them between cycles (a delay ran out, a rule changed): their current
scores and analyzer badges from the read models. Implements application.alerting.ports.SightingsPort."""

from uuid import UUID

from sqlalchemy import Engine, select

from domain.alerting.sighting import Sighting
from domain.scoring.analyzer_badges import BADGES
from domain.times import from_micros
from projections.schema import alerting_timers, identities, identity_badges, identity_features

_SCORES = {
    "HUMANITY": identities.c.humanity_score,
    "AUTHENTICITY": identities.c.authenticity_score,
    "UNIQUENESS": identities.c.uniqueness_score,
    "BEHAVIOR": identities.c.behavior_score,
}


class Sightings:
    def __init__(self, views: Engine) -> None:
        self.views = views

    def load(self, customer_id: UUID, identity_ids: list[str]) -> dict[str, Sighting]:
        if not identity_ids:
            return {}
        i = identities.c
        with self.views.connect() as conn:
            rows = conn.execute(
                select(i.identity_id, i.disregarded, i.created_at, i.last_scored_at, *_SCORES.values()).where(
                    i.customer_id == customer_id, i.identity_id.in_(identity_ids)
                )
            ).all()
            first_seen = dict(
                conn.execute(
                    select(identity_features.c.identity_id, identity_features.c.activity).where(
                        identity_features.c.customer_id == customer_id,
                        identity_features.c.identity_id.in_(identity_ids),
                    )
                ).all()
            )
            b = identity_badges.c
            badges: dict[str, list[dict]] = {}
            for row in conn.execute(
                select(b.identity_id, b.slug, b.name, b.type, b.explanation, b.metadata, b.priority).where(
                    b.customer_id == customer_id, b.identity_id.in_(identity_ids), b.slug.in_(list(BADGES))
                )
            ).mappings():
                badges.setdefault(row["identity_id"], []).append({k: row[k] for k in row.keys() if k != "identity_id"})
        found = {}
        for row in rows:
            m = row._mapping
            scores = {name: int(m[column.name]) for name, column in _SCORES.items() if m[column.name] is not None}
            activity = first_seen.get(m["identity_id"]) or {}
            found[m["identity_id"]] = Sighting(
                identity=m["identity_id"],
                scores=scores,
                analyzer_badges=badges.get(m["identity_id"], []),
                first_seen=activity.get("first_seen") or m["created_at"],
                scored_at=from_micros(m["last_scored_at"]) if m["last_scored_at"] is not None else None,
                disregarded=bool(m["disregarded"]),
            )
        return found

    def due(self, now: int, limit: int) -> list[tuple[UUID, str]]:
        t = alerting_timers.c
        with self.views.connect() as conn:
            rows = conn.execute(
                select(t.customer_id, t.identity_id).where(t.due_at <= now).order_by(t.due_at).limit(limit)
            ).all()
        return [(r[0], r[1]) for r in rows]

    def scored(self, customer_id: UUID, after: str | None, limit: int) -> list[str]:
        """The team's scored identities, by id, after `after` (keyset paging for rule sweeps)."""
        i = identities.c
        query = select(i.identity_id).where(i.customer_id == customer_id, i.last_scored_at.is_not(None))
        if after is not None:
            query = query.where(i.identity_id > after)
        with self.views.connect() as conn:
            return list(conn.execute(query.order_by(i.identity_id).limit(limit)).scalars())
