"""What alerting needs from infrastructure, implemented in adapters/alerting/."""

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.alerting.sighting import Sighting


class SecretBox(Protocol):
    """Seals channel secrets before they enter the event log (adapters/alerting/secret_box.py)."""

    def seal(self, plaintext: str) -> str: ...

    def open(self, sealed: str) -> str: ...


class DeliveryQueue(Protocol):
    """Hands a recorded delivery to a worker (arq on Redis, or the in-process queue). Jobs carry ids only;
    the database stays the truth, so enqueuing twice or losing a job costs at most a sweep's wait."""

    def enqueue(self, customer_id: UUID, delivery_id: UUID, at: datetime | None = None) -> None: ...


class SightingsPort(Protocol):
    """Identities as the read models show them (projections/alerting/queries/sightings.py)."""

    def load(self, customer_id: UUID, identity_ids: list[str]) -> dict[str, Sighting]: ...

    def due(self, now: int, limit: int) -> list[tuple[UUID, str]]:
        """(team, identity) whose rule delays ran out by `now` (µs)."""
        ...

    def scored(self, customer_id: UUID, after: str | None, limit: int) -> list[str]: ...
