"""An identity's page as Dregs knew it at an instant (`?asOf=`), and the time slider that picks the instant:
its stops are the identity's decisions and "now". What the page shows then is read from the event stores
(application/audit/as_of.py), as GET /api/identities/{id}?asOf= answers; the read models only name what to read."""

from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from api.audit.as_of import instant
from api.errors import NotFound
from api.scoring.schemas.analysis import analysis_out
from api.time import format_time
from application.audit.as_of import NotKnownThen, TimeTravel, UnknownIdentity
from domain.audit.as_of import analysis_row
from domain.times import from_micros, to_micros
from projections.audit.as_of_index import AsOfIndex
from projections.scoring.queries.links import LinkedIdentity

SHOWN = 20  # events, devices and history points, as on the page of the identity now


def exact(micros: int) -> str:
    """An instant to the microsecond (format_time keeps milliseconds: a decision would fall after its own stop)."""
    return from_micros(micros).isoformat().replace("+00:00", "Z")


def said(moment: datetime) -> str:
    """`2026-12-01 14:22:09 UTC`: to the second, for the page's banner and the slider's spoken value."""
    return (format_time(moment) or "")[:19].replace("T", " ") + " UTC"


@dataclass(frozen=True)
class Stop:
    label: str
    instant: str  # empty for now


@dataclass(frozen=True)
class Slider:
    stops: list[Stop]
    value: int

    @property
    def last(self) -> int:
        return len(self.stops) - 1

    @property
    def text(self) -> str:
        return self.stops[self.value].label


def moment_of(instants: list[int], as_of: str, at: int | None) -> datetime | None:
    """The instant the page is asked for: `asOf` (an instant), else `at` (a stop of the slider, as a form without
    script sends it); None for now."""
    if as_of:
        return instant(as_of)
    if at is not None and at < len(instants):
        return from_micros(instants[at])
    return None


def slider(instants: list[int], moment: datetime | None) -> Slider:
    """The identity's decisions, oldest first, then now; the value the last stop at or before the instant."""
    stops = [Stop(f"Analysis of {said(from_micros(us))}", exact(us)) for us in instants]
    stops.append(Stop("Now", ""))
    if moment is None:
        return Slider(stops, len(stops) - 1)
    until = to_micros(moment)
    return Slider(stops, max(0, sum(1 for us in instants if us <= until) - 1))


def context_then(travel: TimeTravel, index: AsOfIndex, team: UUID, identity: str, moment: datetime) -> dict[str, Any]:
    """What identity.html shows of the identity at `moment`."""
    try:
        then = travel.identity(index, team, identity, moment)
    except UnknownIdentity:
        raise NotFound("Identity not found") from None
    except NotKnownThen:
        raise NotFound(f"Identity not known at {format_time(moment)}: its first event arrived later") from None
    history = [analysis_row(d) for d in islice(travel.decisions(index, team, identity, moment), SHOWN * 5)]
    history.reverse()
    links = [LinkedIdentity(t.link, t.display_name) for t in travel.links(index, team, identity, moment)]
    events = list(reversed(then.known.events))
    devices = sorted(then.known.devices.values(), key=lambda d: -d["last_seen_at"])
    return {
        "identity": then.row,
        "badges": then.badges,
        "analysis": analysis_out(analysis_row(then.decision)) if then.decision is not None else None,
        "history": history,
        "links": links,
        "devices": devices[:SHOWN],
        "events": events[:SHOWN],
        "event_total": len(events),
        "escalations": then.escalations,
        "as_of": said(moment),
        "as_of_query": "?" + urlencode({"asOf": exact(to_micros(moment))}),  # a linked identity's page, then too
    }
