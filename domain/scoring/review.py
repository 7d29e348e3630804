"""A written assessment of one identity, asked for by the team and written by Dregs
itself from the identity's latest analysis: no external service sees its data."""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import review_id

MAX_FEEDBACK = 2000


class IdentityReview(Aggregate):
    PENDING = "PENDING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"

    @staticmethod
    def create_id(customer_id: UUID, number: int) -> UUID:
        return review_id(customer_id, number)

    @event("Requested")
    def __init__(
        self, customer_id: UUID, number: int, identity: str, feedback: str | None, requested_by: str | None
    ) -> None:
        self.customer_id = customer_id
        self.number = number
        self.identity = identity
        self.feedback = feedback
        self.requested_by = requested_by
        self.status = self.PENDING
        self.summary: str | None = None
        self.verdict: str | None = None
        self.error_message: str | None = None
        self.cycle_id: int | None = None
        self.completed_at: datetime | None = None

    def finish(self, summary: str, verdict: str, cycle_id: int, at: datetime) -> None:
        if self.status == self.PENDING:
            self._finished(self.customer_id, self.number, self.identity, summary, verdict, cycle_id, at)

    def fail(self, message: str, at: datetime) -> None:
        if self.status == self.PENDING:
            self._failed(self.customer_id, self.number, self.identity, message, at)

    # Every event names its team, number and identity, so the projection reads it alone.
    @event("Finished")
    def _finished(  # noqa: PLR0913
        self, customer_id: UUID, number: int, identity: str, summary: str, verdict: str, cycle_id: int, at: datetime
    ) -> None:
        self.status = self.FINISHED
        self.summary = summary
        self.verdict = verdict
        self.cycle_id = cycle_id
        self.completed_at = at

    @event("Failed")
    def _failed(self, customer_id: UUID, number: int, identity: str, message: str, at: datetime) -> None:
        self.status = self.FAILED
        self.error_message = message
        self.completed_at = at
