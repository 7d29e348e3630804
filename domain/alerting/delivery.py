"""One piece of news on its way to one channel: the outbox entry and its delivery log.

It is recorded in the same transaction as whatever triggered it, with its `data` frozen, so
nothing is lost between a decision and its delivery; a worker then sends it, at least once,
and records every attempt here. Each attempt stamps its own time into the envelope (receivers
refuse a timestamp more than five minutes old, and retries come hours later), and every attempt
carries the same `webhook-id`, so a receiver can tell a retry from new news."""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import alerting_id

PENDING = "PENDING"
DELIVERED = "DELIVERED"
FAILED = "FAILED"
MAX_ERROR = 500


class Delivery(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, channel: int, trigger: str) -> UUID:
        """`trigger` names what caused it (a cycle, a badge change, an escalation's move, a test), so
        evaluating the same decision twice records the delivery once."""
        return alerting_id(customer_id, "delivery", channel, trigger)

    @event("Created")
    def __init__(  # noqa: PLR0913
        self,
        customer_id: UUID,
        channel: int,
        channel_type: str,
        event: str,
        trigger: str,
        identity: str | None,
        data: dict[str, Any],
        at: datetime,
    ) -> None:
        self.customer_id = customer_id
        self.channel = channel
        self.channel_type = channel_type
        self.event = event
        self.trigger = trigger
        self.identity = identity
        self.data = data
        self.created_at = at
        self.status = PENDING
        self.attempts = 0
        self.next_attempt_at: datetime | None = at
        self.last_status_code: int | None = None
        self.last_error: str | None = None
        self.delivered_at: datetime | None = None

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.id.hex}"

    @event("Attempted")
    def attempted(  # noqa: PLR0913
        self,
        attempt: int,
        status_code: int | None,
        error: str | None,
        succeeded: bool,
        next_attempt_at: datetime | None,
        at: datetime,
    ) -> None:
        """One try. Without a next attempt, a failure is final (FAILED)."""
        self.attempts = attempt
        self.last_status_code = status_code
        self.last_error = error[:MAX_ERROR] if error else None
        if succeeded:
            self.status = DELIVERED
            self.delivered_at = at
            self.next_attempt_at = None
        elif next_attempt_at is None:
            self.status = FAILED
            self.next_attempt_at = None
        else:
            self.next_attempt_at = next_attempt_at

    @event("Postponed")
    def postpone(self, until: datetime, reason: str) -> None:
        """Not tried (a rate limit): no attempt is counted."""
        self.next_attempt_at = until
        self.last_error = reason[:MAX_ERROR]

    @event("Abandoned")
    def abandon(self, reason: str, at: datetime) -> None:
        """Its channel was deleted or disabled before it could be sent."""
        self.status = FAILED
        self.last_error = reason[:MAX_ERROR]
        self.next_attempt_at = None
