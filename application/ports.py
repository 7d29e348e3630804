"""What the application needs from infrastructure, implemented in adapters/."""

from collections.abc import Collection, Sequence
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from domain.devices.context import AgentFacts, NetworkFacts
from domain.scoring.profile import IdentityProfile


class StoredAggregateIds(Protocol):
    def existing(self, ids: Collection[UUID]) -> set[UUID]:
        """The given aggregate ids that already have events in the store."""


class StoredEventsPort(Protocol):
    """Many aggregates' events read at once, the library reading one aggregate a query (adapters/audit/
    stored_events.py): an identity's record, time travel and rule backtests."""

    def decoded(self, app: Application[UUID], ids: Sequence[UUID]) -> list[tuple[StoredEvent, Any]]:
        """The aggregates' stored events, each with its domain event, in log order."""
        ...

    def events_of(self, app: Application[UUID], ids: Sequence[UUID]) -> dict[UUID, list[Any]]:
        """Each aggregate's domain events, oldest first (no entry for an id without any)."""
        ...


class CycleInputsLike(Protocol):
    profile: IdentityProfile
    position: int
    disregarded: bool
    mappings_version: str
    datasets_version: str


class ScoringQueuePort(Protocol):
    """The identities waiting for a cycle, and what a cycle reads (projections/scoring/queries/scoring_queue.py)."""

    def due(self, now: int, limit: int) -> list[tuple[UUID, str, bool]]:
        """(team, identity, never scored) of the identities due by `now`, those never scored first."""
        ...

    def load(self, customer_id: UUID, identity: str) -> CycleInputsLike | None: ...

    def settle(self, customer_id: UUID, identity: str, position: int, versions: str, next_due: int) -> None: ...

    def postpone(self, customer_id: UUID, identity: str, due: int) -> None:
        """Keep the identity queued, but not due before `due` (a failed cycle's retry)."""
        ...

    def mark_stale(self, current: dict[UUID, str], default: str, now: int) -> int: ...

    def team_versions(self) -> dict[UUID, tuple[str, str]]:
        """(own datasets version, mappings version) of every team that has either."""
        ...

    def team_entries(self, customer_id: UUID) -> tuple[str, dict[str, frozenset[str]]]:
        """The team's own dataset entries, by slug, and their version ("c<log position>"), read together."""
        ...

    def pending_reviews(self, limit: int) -> list[tuple[UUID, int, str]]:
        """(team, review number, identity) of reviews asked for and not written yet."""
        ...


class DeviceFactsPort(Protocol):
    """What the server learns about a browser event's device beyond its signals (adapters/tracking/device_facts.py)."""

    def agent(self, user_agent: str, client_hints: dict[str, Any] | None) -> AgentFacts: ...

    def network(self, ip: str | None) -> NetworkFacts: ...

    def warm_up(self) -> Any:
        """Prepare in the background whatever the first call would otherwise wait for."""
        ...
