"""The team's decisions about one device, e.g. disregarding a shared office computer."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import device_id


class Device(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, fingerprint: str) -> UUID:
        return device_id(customer_id, fingerprint)

    @event("Registered")
    def __init__(self, customer_id: UUID, fingerprint: str) -> None:
        self.customer_id = customer_id
        self.fingerprint = fingerprint
        self.disregarded = False

    def set_disregarded(self, disregarded: bool) -> None:
        if disregarded != self.disregarded:
            self._disregard_changed(self.customer_id, self.fingerprint, disregarded)

    @event("DisregardChanged")
    def _disregard_changed(self, customer_id: UUID, fingerprint: str, disregarded: bool) -> None:
        self.disregarded = disregarded
