"""`asOf` on GET /api/identities/{id}, /scores, /analysis, /history and /links: the answer as Dregs knew it at an
instant, computed from the event stores (application/audit/as_of.py), in the same types as without it.

The routes take it through one dependency, `as_of`: None without the parameter (the route answers from the read
models as always), else the instant, checked (a 400 when unreadable or in the future), with what reads it."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Annotated

from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from adapters.audit.stored_events import StoredEvents
from adapters.bootstrap import Container
from api.auth import Caller
from api.errors import NotFound
from api.scoring.schemas.analysis import (
    AnalysisOut,
    LinkedIdentityOut,
    ScoreHistoryEntryOut,
    ScoreOut,
    analysis_out,
    history_entry_out,
    linked_identity_out,
    scores_out,
)
from api.time import format_time, parse_time
from api.tracking.schemas.identities import IdentityOut, identity_out
from application.audit.as_of import IdentityThen, NotKnownThen, TimeTravel, UnknownIdentity
from domain.audit.as_of import analysis_row
from domain.errors import InvalidInput
from projections.audit.as_of_index import AsOfIndex
from projections.read_models import ALERTING, SCORING, TRACKING, ReadModels
from projections.scoring.queries.links import LinkedIdentity

AS_OF_PARAMETER = QueryParameter(
    name="asOf",
    description=(
        "An instant (ISO-8601 with `Z` or an offset, e.g. 2026-12-01T14:00:00Z; not in the future): answer as Dregs "
        "knew the identity then, computed from the recorded events (its tracked events received by then, the last "
        "analysis finished by then, the badges it held then). Absent: as it is now. An identity not known "
        "yet at that instant is a 404."
    ),
    schema_extra={"format": "date-time"},
)


def instant(value: str, now: datetime | None = None) -> datetime:
    """An `asOf` value as an instant: a 400 unless it reads as one that is not in the future."""
    try:
        at = parse_time(value)
    except (ValueError, OverflowError):
        raise InvalidInput("asOf must be an ISO-8601 instant, e.g. 2026-12-01T14:00:00Z") from None
    if at > (now or datetime.now(UTC)):
        raise InvalidInput("asOf must not be in the future: Dregs cannot know yet what it will know then")
    return at


@dataclass(frozen=True)
class AsOf:
    at: datetime
    travel: TimeTravel

    @contextmanager
    def index(self, read_models: ReadModels) -> Iterator[AsOfIndex]:
        """The index, current with every log; an identity unknown, or not known yet at the instant, is a 404."""
        with read_models.current(TRACKING, SCORING, ALERTING) as conn:
            try:
                yield AsOfIndex(conn)
            except UnknownIdentity:
                raise NotFound("Identity not found") from None
            except NotKnownThen:
                raise NotFound(f"Identity not known at {format_time(self.at)}: its first event arrived later") from None

    def then(self, read_models: ReadModels, caller: Caller, identity: str) -> IdentityThen:
        with self.index(read_models) as index:
            return self.travel.identity(index, caller.customer_id, identity, self.at)

    def identity(self, read_models: ReadModels, caller: Caller, identity: str) -> IdentityOut:
        then = self.then(read_models, caller, identity)
        return identity_out(then.row, then.badges)

    def scores(self, read_models: ReadModels, caller: Caller, identity: str) -> list[ScoreOut]:
        with self.index(read_models) as index:
            self.travel.check_known(index, caller.customer_id, identity, self.at)
            decision = self.travel.last_decision(index, caller.customer_id, identity, self.at)
        return scores_out(analysis_row(decision)) if decision is not None else []

    def analysis(self, read_models: ReadModels, caller: Caller, identity: str) -> AnalysisOut:
        with self.index(read_models) as index:
            self.travel.check_known(index, caller.customer_id, identity, self.at)
            decision = self.travel.last_decision(index, caller.customer_id, identity, self.at)
        if decision is None:
            raise NotFound(f"This identity had not been analyzed by {format_time(self.at)}")
        return analysis_out(analysis_row(decision))

    def history(self, read_models: ReadModels, caller: Caller, identity: str, limit: int) -> list[ScoreHistoryEntryOut]:
        with self.index(read_models) as index:
            self.travel.check_known(index, caller.customer_id, identity, self.at)
            decisions = self.travel.decisions(index, caller.customer_id, identity, self.at)
            return [history_entry_out(analysis_row(d)) for d in islice(decisions, limit)]

    def links(self, read_models: ReadModels, caller: Caller, identity: str) -> list[LinkedIdentityOut]:
        with self.index(read_models) as index:
            self.travel.check_known(index, caller.customer_id, identity, self.at)
            links = self.travel.links(index, caller.customer_id, identity, self.at)
        return [linked_identity_out(LinkedIdentity(then.link, then.display_name)) for then in links]


def time_travel(container: Container) -> TimeTravel:
    return TimeTravel(container.tracking, container.scoring, container.alerting, StoredEvents())


def as_of(container: NamedDependency[Container], value: Annotated[str | None, AS_OF_PARAMETER] = None) -> AsOf | None:
    # Empty is refused, not read as absent: the parameter is a date-time, and a client that sends it meant one.
    if value is None:
        return None
    return AsOf(instant(value), time_travel(container))


# A route that takes `asOf`: `dependencies=AS_OF` and a parameter `as_of: NamedDependency[AsOf | None]`.
AS_OF = {"as_of": Provide(as_of, sync_to_thread=False)}
