"""The team's own decisions about one identity: attribute edits and disregarding.

What the app observed about the identity lives in its TrackedEvents; the read
model merges both streams in log order."""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import identity_id
from domain.tracking.client_data import ClientData


class Identity(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, identity: str) -> UUID:
        return identity_id(customer_id, identity)

    @event("Registered")
    def __init__(self, customer_id: UUID, identity: str) -> None:
        self.customer_id = customer_id
        self.identity = identity
        self.attributes: dict[str, Any] = {}
        self.disregarded = False
        self.erased_at: datetime | None = None

    # Every event names its identity, so projections and auditors read it alone. `by`: who asked, as
    # "user:<id>" or "credential:<id>" (the timeline names them).
    def edit_attributes(self, attributes: dict[str, Any], by: str | None = None) -> None:
        self._attributes_edited(self.customer_id, self.identity, ClientData(attributes), by)

    def set_disregarded(self, disregarded: bool, by: str | None = None) -> None:
        if disregarded != self.disregarded:
            self._disregard_changed(self.customer_id, self.identity, disregarded, by)

    def erase(self, erased_by: str | None, at: datetime) -> bool:
        """Record the erasure of its personal data (the keys are destroyed first: application/privacy/erasure.py);
        False if it was erased before."""
        if self.erased_at is not None:
            return False
        self._erased(self.customer_id, self.identity, erased_by, at)
        return True

    def request_analysis(self, requested_by: str | None) -> None:
        self._analysis_requested(self.customer_id, self.identity, requested_by)

    class AttributesEdited(Aggregate.Event):
        """Version 2 adds `edited_by`: who edited (recorded before: unknown)."""

        class_version = 2

        customer_id: UUID
        identity: str
        attributes: ClientData
        edited_by: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["edited_by"] = None

    class DisregardChanged(Aggregate.Event):
        """Version 2 adds `changed_by`: who disregarded or regarded it (recorded before: unknown)."""

        class_version = 2

        customer_id: UUID
        identity: str
        disregarded: bool
        changed_by: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["changed_by"] = None

    @event(AttributesEdited)
    def _attributes_edited(
        self, customer_id: UUID, identity: str, attributes: ClientData, edited_by: str | None
    ) -> None:
        self.attributes.update(attributes)

    @event(DisregardChanged)
    def _disregard_changed(self, customer_id: UUID, identity: str, disregarded: bool, changed_by: str | None) -> None:
        self.disregarded = disregarded

    @event("Erased")
    def _erased(self, customer_id: UUID, identity: str, erased_by: str | None, at: datetime) -> None:
        self.erased_at = at
        self.attributes = {}

    @event("AnalysisRequested")
    def _analysis_requested(self, customer_id: UUID, identity: str, requested_by: str | None) -> None:
        pass
