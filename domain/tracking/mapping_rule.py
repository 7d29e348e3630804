"""One CUSTOMER mapping: the team's name for an event type or identity field, and the
canonical value it means. It lives in the tracking log, so the read models apply
mapping changes and tracked events in one order, and an auditor sees which mapping
was in force when."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import mapping_id
from domain.tracking.mappings import source_key


class MappingRule(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, kind: str, source: str) -> UUID:
        return mapping_id(customer_id, kind, source_key(source))

    @event("Registered")
    def __init__(self, customer_id: UUID, kind: str, source: str) -> None:
        self.customer_id = customer_id
        self.kind = kind
        self.source = source
        self.target: str | None = None
        self.description: str | None = None

    @property
    def active(self) -> bool:
        return self.target is not None

    def put(self, source: str, target: str, description: str | None) -> None:
        if (source, target, description) != (self.source, self.target, self.description):
            self._set(self.customer_id, self.kind, source, target, description)

    def remove(self) -> None:
        if self.active:
            self._removed(self.customer_id, self.kind, self.source)

    # Every event carries the team, kind and source, so the projection reads it alone.
    @event("Set")
    def _set(self, customer_id: UUID, kind: str, source: str, target: str, description: str | None) -> None:
        self.source = source
        self.target = target
        self.description = description

    @event("Removed")
    def _removed(self, customer_id: UUID, kind: str, source: str) -> None:
        self.target = None
