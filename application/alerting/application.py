"""The Alerting application: badge rules, escalation rules, channels, escalations, each
identity's rule badges and watches, and the deliveries outbox, in one log.

Rules, channels and escalations are numbered per team (their integer ids); a rule's or a
channel's slug is held by a SlugClaim saved in the same transaction (domain/alerting/slug_claim.py).
The commands of each part live in their own module and take this application."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from application.numbering import TeamNumbers
from application.transcoder import TOPIC as TRANSCODER
from domain.alerting.channel import Channel
from domain.alerting.escalation import Escalation
from domain.alerting.rules import BadgeRule, EscalationRule
from domain.alerting.slug_claim import SlugClaim
from domain.errors import Conflict

A = TypeVar("A", bound=Aggregate)
KINDS: dict[str, type[Aggregate]] = {"badge-rule": BadgeRule, "escalation-rule": EscalationRule, "channel": Channel}


class NotFound(LookupError):
    """No such rule, channel or escalation in the team (the API answers 404)."""


class AlertingApplication(Application[UUID]):
    name = "Alerting"
    env = {"TRANSCODER_TOPIC": TRANSCODER}  # noqa: RUF012 - the library reads it as a class attribute

    def __init__(self, env: dict[str, str] | None = None, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(env)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.numbers = {
            kind: TeamNumbers(lambda customer, n, cls=cls: cls.create_id(customer, n) in self.repository)  # type: ignore[attr-defined]
            for kind, cls in KINDS.items()
        }
        self.escalation_numbers = TeamNumbers(lambda customer, n: Escalation.create_id(customer, n) in self.repository)

    def get(self, aggregate_id: UUID, cls: type[A]) -> A | None:
        try:
            found = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None

    def by_slug(self, customer_id: UUID, kind: str, slug: str, cls: type[A]) -> A:
        """The live (not deleted) rule or channel holding `slug` in the team; NotFound otherwise."""
        claim = self.get(SlugClaim.create_id(customer_id, kind, slug), SlugClaim)
        if claim is None or claim.number is None:
            raise NotFound(f"no {kind.replace('-', ' ')} {slug!r}")
        found = self.get(cls.create_id(customer_id, claim.number), cls)  # type: ignore[attr-defined]
        if found is None or getattr(found, "deleted", False):
            raise NotFound(f"no {kind.replace('-', ' ')} {slug!r}")
        return found

    def create_named(self, customer_id: UUID, kind: str, slug: str, make: Callable[[int], A], *others: Aggregate) -> A:
        """Number a new rule or channel and claim its slug, in one save; Conflict if the slug is taken."""

        def save(number: int) -> A:
            claim_id = SlugClaim.create_id(customer_id, kind, slug)
            claim = self.get(claim_id, SlugClaim)
            if claim is None:
                claim = SlugClaim(customer_id=customer_id, kind=kind, slug=slug, number=number)
            else:
                claim.take(number)
            created = make(number)
            try:
                self.save(created, claim, *others)
            except IntegrityError:
                if self.get(created.id, Aggregate) is not None:  # type: ignore[type-abstract]
                    raise  # the number was taken: TeamNumbers tries the next one
                raise Conflict(f"a {kind.replace('-', ' ')} named {slug!r} exists already") from None
            return created

        return self.numbers[kind].save_numbered(customer_id, save)

    def release_slug(self, customer_id: UUID, kind: str, slug: str) -> SlugClaim:
        claim = self.get(SlugClaim.create_id(customer_id, kind, slug), SlugClaim)
        assert claim is not None
        claim.release()
        return claim
