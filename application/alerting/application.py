"""The Alerting application: badge rules, escalation rules, channels, escalations, each
identity's rule badges and watches, and the deliveries outbox, in one log.

Rules, channels and escalations are numbered per team (their integer ids); a team's rules and
channels of each kind are listed, by number and slug, in a Directory saved in the same transaction
as each creation and deletion (domain/alerting/directory.py).
The commands of each part live in their own module and take this application."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from application.conflicts import retry_on_conflict
from application.numbering import TeamNumbers, recorded
from application.privacy.key_ring import KeyRing
from application.privacy.sealing import SealsPersonalData
from application.transcoder import TOPIC as TRANSCODER
from domain.alerting.channel import Channel
from domain.alerting.directory import Directory
from domain.alerting.escalation import Escalation
from domain.alerting.rules import BadgeRule, EscalationRule
from domain.team.limits import Limits

A = TypeVar("A", bound=Aggregate)
KINDS: dict[str, type[Aggregate]] = {"badge-rule": BadgeRule, "escalation-rule": EscalationRule, "channel": Channel}
# kind → the team limit (domain/team/limits.py) its live ones count against, with those of these kinds
_LIMITED: dict[str, tuple[str, tuple[str, ...]]] = {
    "badge-rule": ("rules", ("badge-rule", "escalation-rule")),
    "escalation-rule": ("rules", ("badge-rule", "escalation-rule")),
    "channel": ("channels", ("channel",)),
}


class NotFound(LookupError):
    """No such rule, channel or escalation in the team (the API answers 404)."""


class AlertingApplication(SealsPersonalData):
    name = "Alerting"
    env = {"TRANSCODER_TOPIC": TRANSCODER}  # noqa: RUF012 - the library reads it as a class attribute

    def __init__(
        self,
        env: dict[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
        *,
        key_ring: KeyRing | None = None,
    ) -> None:
        super().__init__(env, key_ring=key_ring)
        self.clock = clock or (lambda: datetime.now(UTC))
        # The team's limits, kept by the accounts context (the container wires application/team/limits.py).
        self.team_limits: Callable[[UUID], Limits] = lambda _: Limits()
        exists = recorded(self)
        self.escalation_numbers = TeamNumbers(lambda customer, n: exists(Escalation.create_id(customer, n)))

    def get(self, aggregate_id: UUID, cls: type[A]) -> A | None:
        try:
            found = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None

    def directory(self, customer_id: UUID, kind: str) -> Directory:
        return self.get(Directory.create_id(customer_id, kind), Directory) or Directory(
            customer_id=customer_id, kind=kind
        )

    def by_slug(self, customer_id: UUID, kind: str, slug: str, cls: type[A]) -> A:
        """The live (not deleted) rule or channel holding `slug` in the team; NotFound otherwise."""
        number = self.directory(customer_id, kind).number_of(slug)
        found = None if number is None else self.get(cls.create_id(customer_id, number), cls)  # type: ignore[attr-defined]
        if found is None or getattr(found, "deleted", False):
            raise NotFound(f"no {kind.replace('-', ' ')} {slug!r}")
        return found

    def all_of(self, customer_id: UUID, kind: str, cls: type[A]) -> list[A]:
        """Every rule or channel of the kind the team ever made, deleted ones included, by number."""
        count = self.directory(customer_id, kind).count
        found = (self.get(cls.create_id(customer_id, n), cls) for n in range(1, count + 1))  # type: ignore[attr-defined]
        return [a for a in found if a is not None]

    def create_named(self, customer_id: UUID, kind: str, slug: str, make: Callable[[int], A], *others: Aggregate) -> A:
        """Number a new rule or channel and register its slug, in one save; Conflict if the slug is taken,
        OverLimit if the team has as many as its limit allows. (Badge and escalation rules share a limit but
        not a directory: two created at the same moment, one of each, can pass it by one.)"""
        limit, counted = _LIMITED[kind]

        def attempt() -> A:
            directory = self.directory(customer_id, kind)
            live = sum(len((directory if k == kind else self.directory(customer_id, k)).slugs) for k in counted)
            self.team_limits(customer_id).allow_one_more(limit, live)
            number = directory.next_number(slug)
            created = make(number)
            directory.add(slug, number)
            self.save(created, directory, *others)
            return created

        return retry_on_conflict(attempt, attempts=20)

    def release_slug(self, customer_id: UUID, kind: str, slug: str) -> Directory:
        """The directory without `slug`: save it with the deleted rule or channel."""
        directory = self.directory(customer_id, kind)
        directory.remove(slug)
        return directory
