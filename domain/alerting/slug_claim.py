"""Who holds a slug in a team. Rules and channels are numbered (their integer id); the claim,
saved with them in one transaction, keeps each slug unique: two creations of one slug collide
on the claim in the store, whichever process they run in."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import Conflict
from domain.ids import alerting_id


class SlugClaim(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, kind: str, slug: str) -> UUID:
        return alerting_id(customer_id, kind + "-slug", slug)

    @event("Claimed")
    def __init__(self, customer_id: UUID, kind: str, slug: str, number: int) -> None:
        self.customer_id = customer_id
        self.kind = kind
        self.slug = slug
        self.number: int | None = number

    def take(self, number: int) -> None:
        if self.number is not None:
            raise Conflict(f"a {self.kind.replace('-', ' ')} named {self.slug!r} exists already")
        self._taken(number=number)

    @event("Taken")
    def _taken(self, number: int) -> None:
        self.number = number

    @event("Released")
    def release(self) -> None:
        self.number = None
