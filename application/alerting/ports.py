"""What alerting needs from infrastructure, implemented in adapters/alerting/."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.alerting.channel import Channel
from domain.alerting.delivery import Delivery
from domain.alerting.sighting import Sighting


class SecretBox(Protocol):
    """Seals channel secrets before they enter the event log (adapters/alerting/secret_box.py)."""

    def seal(self, plaintext: str) -> str: ...

    def open(self, sealed: str) -> str: ...


class DeliveryQueue(Protocol):
    """Hands a recorded delivery to a worker (arq on Redis, or the in-process queue). Jobs carry ids only;
    the database stays the truth, so enqueuing twice or losing a job costs at most a sweep's wait."""

    def enqueue(self, customer_id: UUID, delivery_id: UUID, at: datetime | None = None, attempt: int = 1) -> None:
        """`at`: not before (None: now). `attempt`: the number of the try the job will make; two jobs for the
        same try of the same delivery coalesce."""
        ...


@dataclass(frozen=True)
class SendResult:
    """What one try at a channel got back: the receiver's status and Retry-After, or why nothing was sent
    (a refused destination, a timeout, a refused connection)."""

    status_code: int | None
    error: str | None = None
    retry_after: str | None = None


class DeliverySender(Protocol):
    """Sends one delivery to its channel (a signed webhook, a Slack card, an email): adapters/alerting/senders.py.
    Never raises for the receiver's faults: they come back as a SendResult."""

    def send(self, channel: Channel, delivery: Delivery, body: bytes, at: datetime) -> SendResult: ...


class DeliveryLimits(Protocol):
    """The delivery rate limits (per channel; email per team). Seconds to wait when over a limit, else None."""

    def over(self, rule: str, key: str) -> float | None: ...


class AdminNotice(Protocol):
    """Tells a team's admins that a channel was disabled by the worker (by email)."""

    def channel_disabled(self, customer_id: UUID, channel: Channel) -> None: ...


class SightingsPort(Protocol):
    """Identities as the read models show them (projections/alerting/queries/sightings.py)."""

    def load(self, customer_id: UUID, identity_ids: list[str]) -> dict[str, Sighting]: ...

    def due(self, now: int, limit: int) -> list[tuple[UUID, str]]:
        """(team, identity) whose rule delays ran out by `now` (µs)."""
        ...

    def scored(self, customer_id: UUID, after: str | None, limit: int) -> list[str]: ...
