"""A rule's backtest over HTTP: the draft (the body that creates a rule of its kind), optionally the slug of the rule it
would change, and the window; the answer's counts, whether the time bound cut it short, and a page of the identities
whose badge or escalations would differ."""

from typing import Any, ClassVar

import msgspec

from api.alerting.schemas.rules import BadgeRuleIn, EscalationRuleIn
from api.schemas import PageOut, Reference, text

SLUG = 120  # the longest slug a rule's name makes, and then some
WHEN = 64

_WINDOW: dict[str, Any] = {
    "slug": {"description": "the team's rule the draft would change: the diff is then against that rule as it stood "
             "at each decision; absent, against no rule (every match is a gain or an opening)"},
    "start": {"format": "date-time", "description": "start of the window (ISO-8601, before `to`, at most 366 days "
              "before it and within the team's retention); default: 30 days before `to`"},
    "end": {"format": "date-time", "description": "end of the window, excluded (ISO-8601); default and at most: now"},
}  # fmt: skip


class BadgeRuleBacktestIn(msgspec.Struct, forbid_unknown_fields=True):
    """A draft badge rule (as POST /api/badge-rules takes it) tried on the team's decisions in a window."""

    rule: BadgeRuleIn
    slug: text(SLUG, min_length=1) | None = None  # type: ignore[valid-type]
    start: text(WHEN) | None = msgspec.field(default=None, name="from")  # type: ignore[valid-type]
    end: text(WHEN) | None = msgspec.field(default=None, name="to")  # type: ignore[valid-type]
    __field_schema__: ClassVar = _WINDOW


class EscalationRuleBacktestIn(msgspec.Struct, forbid_unknown_fields=True):
    """A draft escalation rule (as POST /api/escalation-rules takes it; without effectiveAt it applies all along)
    tried on the team's decisions in a window."""

    rule: EscalationRuleIn
    slug: text(SLUG, min_length=1) | None = None  # type: ignore[valid-type]
    start: text(WHEN) | None = msgspec.field(default=None, name="from")  # type: ignore[valid-type]
    end: text(WHEN) | None = msgspec.field(default=None, name="to")  # type: ignore[valid-type]
    __field_schema__: ClassVar = _WINDOW


class BacktestCountsOut(msgspec.Struct, rename="camel"):
    identities_evaluated: int  # identities with a decision in the window
    decisions_replayed: int
    identities_changed: int  # of which would fare differently
    would_gain: int  # GAIN changes: the draft gives the badge where the rule as it stood did not
    would_lose: int
    would_open: int  # OPEN changes: the draft has an escalation open where the rule as it stood had none
    would_close: int


class BacktestChangeOut(msgspec.Struct):
    """From `at` until `until` (null: the window's end) the identity would fare differently under the draft: GAIN or
    LOSE the badge, have an escalation OPEN, or have none open (CLOSE) where the rule as it stood had one."""

    identity: Reference
    change: str
    at: str
    until: str | None


class BacktestOut(msgspec.Struct, rename="camel"):
    """What the draft would have done differently in the window (`from`, `to`: the window replayed, its end no
    later than the request)."""

    start: str = msgspec.field(name="from")
    end: str = msgspec.field(name="to")
    truncated: bool  # the replay ran out of its time (BUDGET_SECONDS) and stopped at `stoppedAt`
    stopped_at: str | None  # when the last decision replayed finished: the counts and changes hold up to there
    counts: BacktestCountsOut
    changes: PageOut[BacktestChangeOut]
