"""A customer is a team: the tenant every identity, event and credential belongs to."""

from eventsourcing.domain import Aggregate, event


class Customer(Aggregate):
    @event("Registered")
    def __init__(self, name: str) -> None:
        self.name = name
