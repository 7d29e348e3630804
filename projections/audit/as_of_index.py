"""Time travel's index (application/audit/as_of.py AsOfIndex): which aggregates hold an identity's history.
Only names come out of here (event ids, cycle numbers, mapping ids); their contents are read from the stores."""

from uuid import UUID

from sqlalchemy import Connection, exists, select

from projections.schema import analyses, events, mappings

_e, _a, _m = events.c, analyses.c, mappings.c


class AsOfIndex:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def tracked_events(self, customer_id: UUID, identity: str, until: int) -> list[str]:
        rows = self.conn.execute(
            select(_e.event_id)
            .where(_e.customer_id == customer_id, _e.identity_id == identity, _e.received_at <= until)
            .order_by(_e.position)
        )
        return [r.event_id for r in rows]

    def ever_tracked(self, customer_id: UUID, identity: str) -> bool:
        found = exists().where(_e.customer_id == customer_id, _e.identity_id == identity)
        return bool(self.conn.execute(select(found)).scalar())

    def cycles(self, customer_id: UUID, identity: str, until: int) -> list[int]:
        rows = self.conn.execute(
            select(_a.cycle_id)
            .where(_a.customer_id == customer_id, _a.identity_id == identity, _a.finished_at <= until)
            .order_by(_a.cycle_id.desc())
        )
        return [r.cycle_id for r in rows]

    def mappings(self, customer_id: UUID) -> list[UUID]:
        return [r.mapping_id for r in self.conn.execute(select(_m.mapping_id).where(_m.customer_id == customer_id))]

    def instants(self, customer_id: UUID, identity: str) -> list[int]:
        """When each of the identity's cycles finished (µs), oldest first: the moments its page's time slider
        stops at."""
        rows = self.conn.execute(
            select(_a.finished_at)
            .where(_a.customer_id == customer_id, _a.identity_id == identity)
            .order_by(_a.finished_at, _a.cycle_id)
        )
        return [r.finished_at for r in rows]
