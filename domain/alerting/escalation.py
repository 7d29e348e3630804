"""An escalation: one identity matched one escalation rule, and the team should look.

PENDING (matched, waiting out the rule's openAfterSeconds) → OPEN → ACKNOWLEDGED → CLOSED, each
move with who and when. A PENDING one whose conditions stop holding before it opens is
CANCELLED: it was never shown to anyone, so it is hidden like PENDING ones."""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInput
from domain.ids import alerting_id

PENDING = "PENDING"
OPEN = "OPEN"
ACKNOWLEDGED = "ACKNOWLEDGED"
CLOSED = "CLOSED"
CANCELLED = "CANCELLED"
STATUSES = (PENDING, OPEN, ACKNOWLEDGED, CLOSED, CANCELLED)
NOT_CLOSED = frozenset({PENDING, OPEN, ACKNOWLEDGED})


class Escalation(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, number: int) -> UUID:
        return alerting_id(customer_id, "escalation", number)

    @event("Matched")
    def __init__(  # noqa: PLR0913 - an auditor needs every one of these
        self,
        customer_id: UUID,
        number: int,
        identity: str,
        rule_number: int,
        rule_slug: str,
        rule_name: str,
        rule_version: int,
        severity: str,
        conditions: list[dict[str, Any]],
        channels: list[str],
        scores: dict[str, int],
        badges: list[str],
        cycle_id: int | None,
        opens_at: datetime,
        at: datetime,
    ) -> None:
        self.customer_id = customer_id
        self.number = number
        self.identity = identity
        self.rule_number = rule_number
        self.rule_slug = rule_slug
        self.rule_name = rule_name
        self.rule_version = rule_version
        self.severity = severity
        self.conditions = conditions  # the conditions that matched
        self.channels = channels  # the rule's channels when it matched: where its news goes
        self.scores = scores
        self.badges = badges
        self.cycle_id = cycle_id
        self.opens_at = opens_at
        self.created_at = at
        self.status = PENDING
        self.opened_at: datetime | None = None
        self.acknowledged_at: datetime | None = None
        self.acknowledged_by: str | None = None
        self.closed_at: datetime | None = None
        self.closed_by: str | None = None
        self.close_reason: str | None = None

    @event("Opened")
    def open(self, scores: dict[str, int], badges: list[str], cycle_id: int | None, at: datetime) -> None:
        """The snapshot is taken again at opening: that is what the team is shown."""
        self.scores = scores
        self.badges = badges
        self.cycle_id = cycle_id
        self.opened_at = at
        self.status = OPEN

    @event("Cancelled")
    def cancel(self, at: datetime) -> None:
        self.closed_at = at
        self.close_reason = "CONDITIONS_CLEARED_BEFORE_OPENING"
        self.status = CANCELLED

    def move_to(self, status: str, by: str | None, at: datetime) -> None:
        """A person's move (PATCH): ACKNOWLEDGED only from OPEN; CLOSED from OPEN or ACKNOWLEDGED."""
        if status == ACKNOWLEDGED:
            if self.status != OPEN:
                raise InvalidInput(f"only an OPEN escalation can be acknowledged; this one is {self.status}")
            self._acknowledged(by=by, at=at)
        elif status == CLOSED:
            if self.status not in (OPEN, ACKNOWLEDGED):
                raise InvalidInput(f"only an OPEN or ACKNOWLEDGED escalation can be closed; this one is {self.status}")
            self.close(by=by, reason="CLOSED_BY_USER", at=at)
        elif status == OPEN:
            raise InvalidInput(f"an escalation cannot be moved back to OPEN; this one is {self.status}")
        else:
            raise InvalidInput("status must be ACKNOWLEDGED or CLOSED")

    @event("Acknowledged")
    def _acknowledged(self, by: str | None, at: datetime) -> None:
        self.acknowledged_at = at
        self.acknowledged_by = by
        self.status = ACKNOWLEDGED

    @event("Closed")
    def close(self, by: str | None, reason: str, at: datetime) -> None:
        self.closed_at = at
        self.closed_by = by
        self.close_reason = reason
        self.status = CLOSED
