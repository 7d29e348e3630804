"""Everything the customer's app tells us about its users, and the team's edits of it.

One application (one log) holds tracked events and the edits, so the read
models merge both in a single, deterministic order."""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder

from application.conflicts import change_or_create, retry_on_conflict
from application.positions import last_position
from application.privacy.sealing import SealsPersonalData
from application.transcoder import TOPIC as TRANSCODER
from application.transcodings import ClientDataAsJSON
from domain.privacy.retention import TeamRetention
from domain.tracking import limits
from domain.tracking.device import Device
from domain.tracking.group import Group
from domain.tracking.group_types import DEFAULT_GROUP_TYPE
from domain.tracking.identity import Identity
from domain.tracking.mapping_rule import MappingRule
from domain.tracking.mappings import check_mapping
from domain.tracking.redaction import redact

A = TypeVar("A", bound=Aggregate)


def group_key(raw_type: str | None, group: str) -> tuple[str, str]:
    group_type = limits.checked_group_type(raw_type or DEFAULT_GROUP_TYPE)
    limits.check_text("group id", group, limits.MAX_GROUP_ID)
    return group_type, group


class TrackingApplication(SealsPersonalData):
    name = "Tracking"
    env = {"TRANSCODER_TOPIC": TRANSCODER}  # noqa: RUF012 - the library reads it as a class attribute

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(ClientDataAsJSON())

    def save_all(self, items: Sequence[Aggregate | DomainEventProtocol[UUID]]) -> int:
        """Save in one transaction; returns the last notification id written."""
        return last_position(self.save(*items))

    def record_new(self, events: Sequence[DomainEventProtocol[UUID]]) -> int:
        """Store new events in one transaction; returns the last notification id written.

        The ingestion path's save: `save()` checks every object against a runtime
        Protocol (slow, per event) and feeds the aggregate cache and snapshots, which
        tracked events never use."""
        self.make_keys(events)
        return last_position(self.events.put(events))

    def _change(self, aggregate_id: UUID, create: Callable[[], A], change: Callable[[A], None]) -> int:
        """Change (or create) one aggregate; returns the last notification id written."""
        return last_position(change_or_create(self, aggregate_id, create, change)[1])

    def edit_identity(
        self,
        customer_id: UUID,
        identity: str,
        *,
        attributes: dict[str, Any] | None,
        disregarded: bool | None,
        by: str | None = None,
    ) -> int:
        """`by`: who asked ("user:<id>" or "credential:<id>"), on the record for the identity's timeline."""
        limits.check_text("identity id", identity, limits.MAX_IDENTITY_ID)
        if attributes is not None:
            limits.check_attributes("attributes", attributes)

        def change(aggregate: Identity) -> None:
            if attributes is not None:
                aggregate.edit_attributes(redact(attributes), by)
            if disregarded is not None:
                aggregate.set_disregarded(disregarded, by)

        return self._change(
            Identity.create_id(customer_id, identity),
            lambda: Identity(customer_id=customer_id, identity=identity),
            change,
        )

    def request_analysis(self, customer_id: UUID, identity: str, requested_by: str | None) -> int:
        """Queue a cycle for the identity at once; the request itself is on the record."""
        limits.check_text("identity id", identity, limits.MAX_IDENTITY_ID)
        return self._change(
            Identity.create_id(customer_id, identity),
            lambda: Identity(customer_id=customer_id, identity=identity),
            lambda aggregate: aggregate.request_analysis(requested_by),
        )

    def erase_identity(
        self, customer_id: UUID, identity: str, erased_by: str | None, at: datetime
    ) -> tuple[datetime, int]:
        """Record the identity's erasure once; when it was erased, and the position a read waits for."""
        limits.check_text("identity id", identity, limits.MAX_IDENTITY_ID)
        aggregate, recordings = change_or_create(
            self,
            Identity.create_id(customer_id, identity),
            lambda: Identity(customer_id=customer_id, identity=identity),
            lambda a: a.erase(erased_by, at),
        )
        assert aggregate.erased_at is not None  # noqa: S101 - erase() has just set it, or had before
        return aggregate.erased_at, last_position(recordings)

    def apply_retention(self, customer_id: UUID, before: datetime, days: int, at: datetime) -> int:
        """Record the team's retention reaching `before`; the position a read waits for (0: reached before)."""
        return self._change(
            TeamRetention.create_id(customer_id),
            lambda: TeamRetention(customer_id=customer_id),
            lambda retention: retention.apply(before, days, at),
        )

    def _change_group(self, customer_id: UUID, group_type: str, group: str, change: Callable[[Group], None]) -> int:
        group_type, group = group_key(group_type, group)
        return self._change(
            Group.create_id(customer_id, group_type, group),
            lambda: Group(customer_id=customer_id, group_type=group_type, group=group),
            change,
        )

    def upsert_group(self, customer_id: UUID, group_type: str, group: str, attributes: dict[str, Any]) -> int:
        limits.check_attributes("attributes", attributes)
        return self._change_group(customer_id, group_type, group, lambda g: g.merge_attributes(redact(attributes)))

    def add_member(self, customer_id: UUID, group_type: str, group: str, identity: str) -> int:
        limits.check_text("identity id", identity, limits.MAX_IDENTITY_ID)
        return self._change_group(customer_id, group_type, group, lambda g: g.add_member(identity))

    def remove_member(self, customer_id: UUID, group_type: str, group: str, identity: str) -> int:
        limits.check_text("identity id", identity, limits.MAX_IDENTITY_ID)
        return self._change_group(customer_id, group_type, group, lambda g: g.remove_member(identity))

    def set_device_disregarded(self, customer_id: UUID, fingerprint: str, disregarded: bool) -> int:
        limits.check_text("fingerprint", fingerprint, limits.MAX_FINGERPRINT)
        return self._change(
            Device.create_id(customer_id, fingerprint),
            lambda: Device(customer_id=customer_id, fingerprint=fingerprint),
            lambda d: d.set_disregarded(disregarded),
        )

    def put_mapping(
        self, customer_id: UUID, kind: str, source: str, target: str, description: str | None
    ) -> tuple[MappingRule, int]:
        """Create or overwrite the team's mapping of (kind, source); returns it and its log position."""
        kind, source, target = check_mapping(kind, source, target, description)
        rule, recordings = change_or_create(
            self,
            MappingRule.create_id(customer_id, kind, source),
            lambda: MappingRule(customer_id=customer_id, kind=kind, source=source),
            lambda r: r.put(source, target, description),
        )
        return rule, last_position(recordings)

    def remove_mapping(self, customer_id: UUID, rule_id: UUID) -> int:
        def attempt() -> int:
            try:
                rule = self.repository.get(rule_id)
            except AggregateNotFoundError:
                rule = None
            if not isinstance(rule, MappingRule) or rule.customer_id != customer_id or not rule.active:
                raise MappingNotFound
            rule.remove()
            return self.save_all([rule])

        return retry_on_conflict(attempt)


class MappingNotFound(Exception):
    """No active mapping of this team has that id."""
