"""A team's data retention as applied: the record, in the Tracking log, that what the team's identities did
before a day is shredded (its day keys destroyed: application/privacy/retention.py). The projections purge the
read models' plain copies when they reach it, as they do for an erasure; an auditor sees when, and how far."""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import team_retention_id


class TeamRetention(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID) -> UUID:
        return team_retention_id(customer_id)

    @event("Started")
    def __init__(self, customer_id: UUID) -> None:
        self.customer_id = customer_id
        self.before: datetime | None = None

    def apply(self, before: datetime, days: int, at: datetime) -> bool:
        """Record that everything before `before` (a UTC midnight, `days` before the run) is shredded; False
        if an earlier run reached as far."""
        if self.before is not None and before <= self.before:
            return False
        self._applied(self.customer_id, before, days, at)
        return True

    @event("Applied")
    def _applied(self, customer_id: UUID, before: datetime, days: int, at: datetime) -> None:
        self.before = before
