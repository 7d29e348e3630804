"""A team's rules or channels of one kind: which numbers exist and which slug each live one holds.

Saved in the same transaction as every creation and deletion, it keeps slugs unique and numbers
without gaps (two concurrent creations collide on its version, and the loser tries again), and it
lets a reader find all of a team's rules with one load."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import Conflict
from domain.ids import alerting_id


class Directory(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, kind: str) -> UUID:
        return alerting_id(customer_id, "directory", kind)

    @event("Opened")
    def __init__(self, customer_id: UUID, kind: str) -> None:
        self.customer_id = customer_id
        self.kind = kind
        self.slugs: dict[str, int] = {}  # live ones only
        self.count = 0  # every number ever given: 1..count

    def number_of(self, slug: str) -> int | None:
        return self.slugs.get(slug)

    def next_number(self, slug: str) -> int:
        if slug in self.slugs:
            raise Conflict(f"a {self.kind.replace('-', ' ')} named {slug!r} exists already")
        return self.count + 1

    @event("Added")
    def add(self, slug: str, number: int) -> None:
        self.slugs[slug] = number
        self.count = max(self.count, number)

    @event("Removed")
    def remove(self, slug: str) -> None:
        self.slugs.pop(slug, None)
