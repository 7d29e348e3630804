"""Fraud decisions: the Scoring application's log is the audit trail of every
analysis cycle, numbered per team."""

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.conflicts import change_or_create, retry_on_conflict
from application.numbering import TeamNumbers, recorded
from application.privacy.key_ring import KeyRing
from application.privacy.sealing import SealsPersonalData
from application.transcoder import TOPIC as TRANSCODER
from domain.errors import InvalidInput
from domain.scoring.dataset_entry import DatasetEntry, check_entry, check_slug
from domain.scoring.fraud_decision import Evaluation, FraudDecision
from domain.scoring.profile import IdentityProfile
from domain.scoring.review import MAX_FEEDBACK, IdentityReview
from domain.text import check_storable
from domain.tracking import limits


class ScoringApplication(SealsPersonalData):
    name = "Scoring"
    env = {"TRANSCODER_TOPIC": TRANSCODER}  # noqa: RUF012 - the library reads it as a class attribute

    def __init__(self, env: dict[str, str] | None = None, *, key_ring: KeyRing | None = None) -> None:
        super().__init__(env, key_ring=key_ring)
        exists = recorded(self)
        self.cycles = TeamNumbers(lambda customer, n: exists(FraudDecision.create_id(customer, n)))
        self.reviews = TeamNumbers(lambda customer, n: exists(IdentityReview.create_id(customer, n)))

    def request_review(
        self, customer_id: UUID, identity: str, feedback: str | None, requested_by: str | None
    ) -> IdentityReview:
        limits.check_text("identity id", identity, limits.MAX_IDENTITY_ID)
        feedback = (feedback or "").strip() or None
        if feedback is not None:
            if len(feedback) > MAX_FEEDBACK:
                raise InvalidInput(f"feedback must be at most {MAX_FEEDBACK} characters")
            check_storable("feedback", feedback)

        def save(number: int) -> IdentityReview:
            review = IdentityReview(
                customer_id=customer_id, number=number, identity=identity, feedback=feedback, requested_by=requested_by
            )
            self.save(review)
            return review

        return self.reviews.save_numbered(customer_id, save)

    def put_dataset_entry(self, customer_id: UUID, slug: str, key: str, value: str | None) -> DatasetEntry:
        slug = check_slug(slug)
        key, value = check_entry(key, value)
        entry, _ = change_or_create(
            self,
            DatasetEntry.create_id(customer_id, slug, key),
            lambda: DatasetEntry(customer_id=customer_id, slug=slug, key=key),
            lambda e: e.put(value),
        )
        return entry

    def remove_dataset_entry(self, customer_id: UUID, slug: str, key: str) -> bool:
        """False when the team's dataset holds no such key."""
        entry_id = DatasetEntry.create_id(customer_id, check_slug(slug), check_entry(key, None)[0])
        try:
            entry = self.repository.get(entry_id)
        except AggregateNotFoundError:
            return False
        assert isinstance(entry, DatasetEntry)
        if not entry.present:
            return False
        entry.remove()
        self.save(entry)
        return True

    def is_pending(self, customer_id: UUID, number: int) -> bool:
        """Read from the store, not the read model, which may not show a review just written."""
        review = self.repository.get(IdentityReview.create_id(customer_id, number))
        return isinstance(review, IdentityReview) and review.status == IdentityReview.PENDING

    def complete_review(self, customer_id: UUID, number: int, change: Callable[[IdentityReview], None]) -> None:
        def attempt() -> None:
            review = self.repository.get(IdentityReview.create_id(customer_id, number))
            assert isinstance(review, IdentityReview)
            change(review)
            self.save(review)

        retry_on_conflict(attempt)

    def record_decision(  # noqa: PLR0913 - one decision, everything it stands on
        self,
        customer_id: UUID,
        profile: IdentityProfile,
        evaluation: Evaluation,
        *,
        started_at: datetime,
        finished_at: datetime,
        inputs_position: int,
        rules_version: str,
        datasets_version: str,
        mappings_version: str,
    ) -> FraudDecision:
        def save(cycle_id: int) -> FraudDecision:
            decision = FraudDecision.from_evaluation(
                customer_id,
                cycle_id,
                profile,
                evaluation,
                started_at=started_at,
                finished_at=finished_at,
                inputs_position=inputs_position,
                rules_version=rules_version,
                datasets_version=datasets_version,
                mappings_version=mappings_version,
            )
            self.save(decision)
            return decision

        return self.cycles.save_numbered(customer_id, save)
