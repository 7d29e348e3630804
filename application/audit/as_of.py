"""Time travel: an identity as Dregs knew it at an instant, read from the event stores.

The tracked events received by then, the team's edits and mappings made by then, the last FraudDecision
finished by then and the IdentityAlerts and Escalation aggregates at the versions current then: every value
comes from those events (domain/audit/as_of.py applies them). The read models serve only as an index that
names aggregates (`AsOfIndex`): which events and cycles are the identity's, which mappings the team has."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from application.ports import StoredEventsPort
from domain.alerting.escalation import Escalation
from domain.alerting.identity_alerts import IdentityAlerts
from domain.audit.as_of import Known, badges_held, known_identity, scored, shown_escalations, version_at
from domain.ids import tracked_event_id
from domain.scoring.fraud_decision import FraudDecision
from domain.scoring.links import Link
from domain.scoring.profile import IdentityProfile
from domain.times import to_micros
from domain.tracking.identity import Identity


class AsOfIndex(Protocol):
    """Which aggregates hold an identity's history (projections/audit/as_of_index.py). An index only: no value
    it returns is shown; each aggregate it names is read from its store and checked against the instant."""

    def tracked_events(self, customer_id: UUID, identity: str, until: int) -> list[str]:
        """The client ids of the identity's events received by `until` (µs), in log order."""
        ...

    def ever_tracked(self, customer_id: UUID, identity: str) -> bool: ...

    def cycles(self, customer_id: UUID, identity: str, until: int) -> list[int]:
        """The identity's cycle numbers finished by `until` (µs), highest first."""
        ...

    def mappings(self, customer_id: UUID) -> list[UUID]:
        """The ids of every MappingRule the team has had."""
        ...


class UnknownIdentity(LookupError):
    """No event ever named the identity."""


class NotKnownThen(LookupError):
    """The identity's first event arrived after the instant."""


@dataclass(frozen=True)
class IdentityThen:
    """The identity at one instant; `row` has the identities read model's columns."""

    row: dict[str, Any]
    badges: list[dict[str, Any]]
    decision: FraudDecision | None
    escalations: list[Escalation]
    known: Known = field(repr=False)


@dataclass(frozen=True)
class LinkThen:
    link: Link
    display_name: str | None  # the other identity's, as known at the same instant


class TimeTravel:
    def __init__(
        self,
        tracking: Application[UUID],
        scoring: Application[UUID],
        alerting: Application[UUID],
        stored: StoredEventsPort,
    ) -> None:
        self.stored = stored
        self.tracking = tracking
        self.scoring = scoring
        self.alerting = alerting

    # --- the identity -------------------------------------------------------

    def identity(self, index: AsOfIndex, customer_id: UUID, identity: str, at: datetime) -> IdentityThen:
        known = self._known(index, customer_id, identity, at)
        if known.row is None:
            raise NotKnownThen(identity) if index.ever_tracked(customer_id, identity) else UnknownIdentity(identity)
        decision = self.last_decision(index, customer_id, identity, at)
        alerts = self._at(self.alerting, IdentityAlerts.create_id(customer_id, identity), at)
        rule_badges = list(alerts.badges.values()) if isinstance(alerts, IdentityAlerts) else []
        numbers = shown_escalations(alerts.watches) if isinstance(alerts, IdentityAlerts) else []
        escalations = [self._at(self.alerting, Escalation.create_id(customer_id, n), at) for n in numbers]
        return IdentityThen(
            row=scored(known.row, decision),
            badges=badges_held(decision.badges if decision is not None else [], rule_badges),
            decision=decision,
            escalations=[e for e in escalations if isinstance(e, Escalation)],
            known=known,
        )

    def check_known(self, index: AsOfIndex, customer_id: UUID, identity: str, at: datetime) -> None:
        """Raises unless an event of the identity had been received by `at` (what the identity's other
        answers need, without the work of rebuilding its row)."""
        until = to_micros(at)
        for event_id in index.tracked_events(customer_id, identity, until):
            recorded = self.tracking.events.get(tracked_event_id(customer_id, event_id))
            if any(to_micros(e.received_at) <= until for e in recorded):
                return
        raise NotKnownThen(identity) if index.ever_tracked(customer_id, identity) else UnknownIdentity(identity)

    def _known(self, index: AsOfIndex, customer_id: UUID, identity: str, at: datetime) -> Known:
        until = to_micros(at)
        ids = [
            tracked_event_id(customer_id, event_id) for event_id in index.tracked_events(customer_id, identity, until)
        ]
        found = self.stored.events_of(self.tracking, ids)
        tracked = [e for i in ids for e in found.get(i, ()) if to_micros(e.received_at) <= until]
        edits = [Identity.create_id(customer_id, identity), *index.mappings(customer_id)]
        others = [
            e for events in self.stored.events_of(self.tracking, edits).values() for e in events
            if to_micros(e.timestamp) <= until
        ]  # fmt: skip
        return known_identity(customer_id, identity, _in_log_order(tracked, others))

    @staticmethod
    def _at(app: Application[UUID], aggregate_id: UUID, at: datetime) -> Any | None:
        """The aggregate at the version current at `at` (None before its first event)."""
        version = version_at((to_micros(e.timestamp) for e in app.events.get(aggregate_id)), to_micros(at))
        if version is None:
            return None
        return app.repository.get(aggregate_id, version=version)

    # --- its decisions ------------------------------------------------------

    def decisions(self, index: AsOfIndex, customer_id: UUID, identity: str, at: datetime) -> Iterator[FraudDecision]:
        """The identity's decisions finished by `at`, highest cycle first (the read model's order)."""
        until = to_micros(at)
        for cycle in index.cycles(customer_id, identity, until):
            try:
                decision = self.scoring.repository.get(FraudDecision.create_id(customer_id, cycle))
            except AggregateNotFoundError:
                continue
            if (
                isinstance(decision, FraudDecision)
                and decision.identity == identity
                and to_micros(decision.finished_at) <= until
            ):
                yield decision

    def last_decision(self, index: AsOfIndex, customer_id: UUID, identity: str, at: datetime) -> FraudDecision | None:
        """The decision the identity showed at `at`: of those finished by then, the highest cycle's (an identity
        shows its highest cycle's scores, whatever order cycles finish in)."""
        return next(self.decisions(index, customer_id, identity, at), None)

    def links(self, index: AsOfIndex, customer_id: UUID, identity: str, at: datetime) -> list[LinkThen]:
        """The links the last decision saw (its recorded profile), each other identity named as known then."""
        decision = self.last_decision(index, customer_id, identity, at)
        if decision is None or not decision.profile:  # shredded (erased, or past retention), it reads as {}
            return []
        links = IdentityProfile.from_dict(decision.profile).links()
        names: dict[str, str | None] = {}
        for other in {link.other for link in links}:
            row = self._known(index, customer_id, other, at).row
            names[other] = row["display_name"] if row is not None else None
        return [LinkThen(link, names[link.other]) for link in links]


def _in_log_order(tracked: list[Any], others: list[Any]) -> Iterator[Any]:
    """The tracked events in their log order (the index's), with the edits and mapping changes, whose log
    positions the index does not keep, placed among them by time: before the first tracked event received
    after them."""
    rest = sorted(others, key=lambda e: to_micros(e.timestamp))
    k = 0
    for e in tracked:
        while k < len(rest) and to_micros(rest[k].timestamp) < to_micros(e.received_at):
            yield rest[k]
            k += 1
        yield e
    yield from rest[k:]
