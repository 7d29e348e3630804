"""GET /api/stats, /api/stats/score-distribution and /api/stats/rule-activity: what the dashboard's home shows,
for API clients too. A window is `from`/`to` (ISO-8601), the last 7 days by default."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from api.auth import Caller
from api.controller import TeamController
from api.errors import responses
from api.time import format_time, parse_time
from domain.errors import InvalidInput
from domain.times import to_micros
from projections.dashboard.queries import stats
from projections.read_models import ALERTING, SCORING, TRACKING, ReadModels

DEFAULT_WINDOW = timedelta(days=7)
LONGEST_WINDOW = timedelta(days=366)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    @property
    def micros(self) -> tuple[int, int]:
        return to_micros(self.start), to_micros(self.end)


def window_of(
    start: str | None, end: str | None, now: datetime | None = None, default: timedelta = DEFAULT_WINDOW
) -> Window:
    """[from, to): `to` defaults to now, `from` to `default` (7 days) before `to`; at most a year long."""
    try:
        until = parse_time(end) if end is not None else (now or datetime.now(UTC))
        since = parse_time(start) if start is not None else until - default
    except (ValueError, OverflowError):  # not an instant, or 7 days before the first one there is
        raise InvalidInput("from and to must be ISO-8601 instants, e.g. 2026-12-01T00:00:00Z") from None
    if since >= until:
        raise InvalidInput("from must be before to")
    if until - since > LONGEST_WINDOW:
        raise InvalidInput("a window is at most 366 days long")
    return Window(since, until)


FROM = QueryParameter(
    name="from",
    description="start of the window (ISO-8601, before `to`, at most 366 days before it); default: 7 days before `to`",
    schema_extra={"format": "date-time"},
)
TO = QueryParameter(
    name="to", description="end of the window, excluded (ISO-8601); default: now", schema_extra={"format": "date-time"}
)


class Averages(msgspec.Struct):
    humanity: float | None
    authenticity: float | None
    uniqueness: float | None
    behavior: float | None


class StatsOut(msgspec.Struct, rename="camel"):
    start: str | None = msgspec.field(name="from")
    end: str | None = msgspec.field(name="to")
    identities: int  # every identity of the team
    active_identities: int  # tracked in the window
    new_identities: int  # first seen in the window
    scored_identities: int  # scored in the window
    events: int  # that occurred in the window
    averages: Averages  # each score's mean over the identities tracked in the window that have one


class ScoreDistributionOut(msgspec.Struct):
    start: str | None = msgspec.field(name="from")
    end: str | None = msgspec.field(name="to")
    buckets: list[str]  # "0-9" … "90-100"
    humanity: list[int]  # identities tracked in the window, per bucket
    authenticity: list[int]
    uniqueness: list[int]
    behavior: list[int]


class BadgeRuleActivityOut(msgspec.Struct):
    slug: str
    name: str
    type: str
    identities: int  # holding its badge now


class EscalationRuleActivityOut(msgspec.Struct):
    slug: str
    name: str
    severity: str
    escalations: int  # opened in the window
    open: int  # of those, still open or acknowledged


class RuleActivityOut(msgspec.Struct, rename="camel"):
    start: str | None = msgspec.field(name="from")
    end: str | None = msgspec.field(name="to")
    badge_rules: list[BadgeRuleActivityOut]
    escalation_rules: list[EscalationRuleActivityOut]


BUCKET_NAMES = [f"{b * 10}-{b * 10 + 9}" for b in range(stats.BUCKETS - 1)] + [f"{(stats.BUCKETS - 1) * 10}-100"]


def stats_out(window: Window, found: dict[str, Any]) -> StatsOut:
    return StatsOut(
        start=format_time(window.start),
        end=format_time(window.end),
        identities=found["identities"],
        active_identities=found["active_identities"],
        new_identities=found["new_identities"],
        scored_identities=found["scored_identities"],
        events=found["events"],
        averages=Averages(**found["averages"]),
    )


class StatsController(TeamController):
    path = "/api/stats"

    @get(sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def stats(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        start: Annotated[str | None, FROM] = None,
        end: Annotated[str | None, TO] = None,
    ) -> StatsOut:
        """The team's identities and events over a window, and each score's average."""
        window = window_of(start, end)
        with read_models.current(TRACKING, SCORING) as conn:
            return stats_out(window, stats.totals(conn, caller.customer_id, *window.micros))

    @get("/score-distribution", sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def score_distribution(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        start: Annotated[str | None, FROM] = None,
        end: Annotated[str | None, TO] = None,
    ) -> ScoreDistributionOut:
        """How the scores of the identities tracked in the window spread, per category, in tenths."""
        window = window_of(start, end)
        with read_models.current(TRACKING, SCORING) as conn:
            found = stats.score_distribution(conn, caller.customer_id, *window.micros)
        return ScoreDistributionOut(
            start=format_time(window.start), end=format_time(window.end), buckets=BUCKET_NAMES, **found
        )

    @get("/rule-activity", sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def rule_activity(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        start: Annotated[str | None, FROM] = None,
        end: Annotated[str | None, TO] = None,
    ) -> RuleActivityOut:
        """The badge rules whose badge identities hold, and the escalation rules that opened escalations in
        the window, the busiest first."""
        window = window_of(start, end)
        with read_models.current(SCORING, ALERTING) as conn:
            found = stats.rule_activity(conn, caller.customer_id, *window.micros)
        return RuleActivityOut(
            start=format_time(window.start),
            end=format_time(window.end),
            badge_rules=[BadgeRuleActivityOut(**r) for r in found["badge_rules"]],
            escalation_rules=[EscalationRuleActivityOut(**r) for r in found["escalation_rules"]],
        )
