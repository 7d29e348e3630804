"""A rule tried on the past: a team's recorded decisions replayed, identity by identity, under a draft rule and
under the rule as it stood then (or no rule, for a new one), and where the two part ways — when an identity would
gain or lose a badge, or have an escalation open or not.

Each side judges an identity as the live evaluator would (application/alerting/evaluator.py), through the same
functions (domain/alerting/judging.py): after each of its decisions; when one of the side's delays runs out before
its next decision (the DelayTimer); and, for the rule as it stood, at each of that rule's versions (the
RuleChangePolicy evaluates every scored identity when a rule is created, changed or deleted). A decision whose cycle
is not above one already judged is skipped, as `last_cycle_id` makes the evaluator skip it. What only people do is
not replayed: an escalation is never acknowledged or closed by hand, so none is suppressed. Both sides start the
window with nothing held and no conditions standing, so what differs between them is the rule alone.

Pure: application/alerting/backtest.py reads the decisions and hands them here in log order."""

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from domain.alerting.conditions import BADGE_KINDS, Condition, Facts
from domain.alerting.escalation import OPEN, PENDING
from domain.alerting.judging import judge_badge, judge_escalation, status_after
from domain.alerting.rules import BadgeRule, EscalationRule
from domain.alerting.watch import Standing
from domain.times import to_micros

# What a backtest tells of an identity, from `at` on: it would hold the badge where the rule as it stood gave none
# (GAIN), or not hold it where that rule gave it (LOSE); it would have an escalation open where that rule had none
# (OPEN), or none where that rule had one open (CLOSE: it would close sooner, or never open).
GAIN, LOSE, OPENS, CLOSES = "GAIN", "LOSE", "OPEN", "CLOSE"
BADGE, ESCALATION = BadgeRule.KIND, EscalationRule.KIND
CHANGES = {BADGE: (GAIN, LOSE), ESCALATION: (OPENS, CLOSES)}  # the draft's side shows it / does not


@dataclass(frozen=True)
class BadgeTerms:
    """What of a badge rule decides whether an identity holds its badge."""

    conditions: tuple[Condition, ...]
    apply_delay: int = 0  # seconds
    remove_delay: int = 0
    active: bool = True

    @classmethod
    def of(cls, rule: BadgeRule) -> "BadgeTerms":
        return cls(rule.parsed_conditions, rule.apply_delay_seconds, rule.remove_delay_seconds, rule.active)


@dataclass(frozen=True)
class EscalationTerms:
    """What of an escalation rule decides whether an identity has one of its escalations open."""

    conditions: tuple[Condition, ...]
    open_after: int = 0  # seconds
    close_after: int | None = None
    effective_at: int | None = None  # µs; None: all along
    active: bool = True

    @classmethod
    def of(cls, rule: EscalationRule) -> "EscalationTerms":
        return cls(
            rule.parsed_conditions,
            rule.open_after_seconds,
            rule.close_after_seconds,
            to_micros(rule.effective_at),
            rule.active,
        )


Terms = BadgeTerms | EscalationTerms


ALL_ALONG = -(2**63)  # a draft's one version is in force from before any decision


@dataclass(frozen=True)
class RuleHistory:
    """A rule's versions, each from the instant it was recorded (µs), oldest first. Before the first there was no
    rule; a draft is one version from the beginning of time."""

    versions: tuple[tuple[int, Terms], ...] = ()
    instants: tuple[int, ...] = field(init=False, repr=False, compare=False)
    changed: tuple[int, ...] = field(init=False, repr=False, compare=False)  # created, changed or deleted

    def __post_init__(self) -> None:
        instants = tuple(t for t, _ in self.versions)
        if list(instants) != sorted(instants):
            raise ValueError("a rule's versions come oldest first")
        object.__setattr__(self, "instants", instants)
        object.__setattr__(self, "changed", tuple(t for t in instants if t != ALL_ALONG))

    @classmethod
    def draft(cls, terms: Terms) -> "RuleHistory":
        return cls(((ALL_ALONG, terms),))

    def at(self, instant: int) -> Terms | None:
        """The version in force at `instant` (one recorded at that very instant is)."""
        found = bisect_right(self.instants, instant)
        return self.versions[found - 1][1] if found else None

    def uses_badges(self) -> bool:
        """Whether any version asks for a badge (an escalation rule's BADGE_EXISTS / BADGE_NOT_EXISTS)."""
        return any(c.condition in BADGE_KINDS for _, terms in self.versions for c in terms.conditions)


@dataclass(frozen=True)
class Moment:
    """An identity as one of its decisions showed it: what every rule is judged on."""

    identity: str
    at: int  # when the decision finished, µs
    cycle_id: int | None
    scores: Mapping[str, int]  # upper-case category → score
    badges: frozenset[str] = frozenset()  # the analyzers' (the team's badge rules' are added as they stood)
    first_seen: int | None = None

    def facts(self, now: int, rule_badges: frozenset[str]) -> Facts:
        return Facts(self.scores, self.badges | rule_badges, self.first_seen, now)


@dataclass(frozen=True)
class BadgeChange:
    """One change of an identity's rule badges as its IdentityAlerts recorded it."""

    at: int
    cycle_id: int | None  # None: an evaluation without a decision (a delay ran out, a rule changed)
    added: frozenset[str]
    removed: frozenset[str]


def rule_badges_at(changes: Sequence[BadgeChange], cycle_id: int | None, at: int) -> frozenset[str]:
    """The badge rules' badges an identity held as an evaluation at `at` saw them (after the badge rules, before the
    escalation rules): the changes recorded by then and, for a decision's evaluation (`cycle_id`), those it recorded
    itself just after the decision finished; in the order recorded."""
    held: set[str] = set()
    for change in changes:
        if change.at <= at or (cycle_id is not None and change.cycle_id == cycle_id):
            held -= change.removed
            held |= change.added
    return frozenset(held)


class _Side(Protocol):
    def judge(self, terms: Terms | None, facts: Facts) -> tuple[bool, int | None]:
        """Whether the identity shows the rule's badge / an open escalation after this judgement, and when a
        delay runs out if nothing else judges it first."""
        ...


class _BadgeSide:
    """The evaluator's badges() for one rule: a rule that is not active (or not there yet) drops the identity's
    standing and badge."""

    def __init__(self) -> None:
        self.standing = Standing()
        self.held = False

    def judge(self, terms: Terms | None, facts: Facts) -> tuple[bool, int | None]:
        if not isinstance(terms, BadgeTerms) or not terms.active:
            self.standing, self.held = Standing(), False
            return False, None
        judged = judge_badge(terms.conditions, terms.apply_delay, terms.remove_delay, self.standing, self.held, facts)
        self.standing, self.held = judged.standing, judged.held
        return judged.held, judged.step.due_at


class _EscalationSide:
    """The evaluator's escalate() for one rule: one not active, not there yet or not effective yet cancels a
    PENDING escalation and leaves an open one open."""

    def __init__(self) -> None:
        self.standing = Standing()
        self.status: str | None = None

    def judge(self, terms: Terms | None, facts: Facts) -> tuple[bool, int | None]:
        if (
            not isinstance(terms, EscalationTerms)
            or not terms.active
            or (terms.effective_at is not None and terms.effective_at > facts.now)
        ):
            if self.status == PENDING:
                self.status = None
            return self.status == OPEN, None
        judged = judge_escalation(
            terms.conditions, terms.open_after, terms.close_after, self.standing, self.status, False, facts
        )
        self.standing = judged.standing
        self.status = status_after(self.status, judged.step)
        return self.status == OPEN, judged.step.due_at


class _Track:
    """One identity under one side's rule: its judgements, and when what it shows changed."""

    def __init__(
        self, side: _Side, history: RuleHistory, instants: Sequence[int], held: Callable[[int], frozenset[str]]
    ) -> None:
        self.side = side
        self.history = history
        # When the live rules judge the identity without a decision, besides its delays: the rule's changes, and the
        # evaluations that changed its rule badges (after an escalation rule's badges, the escalation rules run).
        self.instants = tuple(sorted({*history.changed, *instants}))
        self.held = held  # the identity's rule badges at an instant
        self.next = 0  # the first of `instants` not yet passed
        self.last: Moment | None = None
        self.now: int | None = None  # the last judgement's instant
        self.due: int | None = None
        self.shown = False
        self.timeline: list[tuple[int, bool]] = []  # (instant, shown), each a change

    def _judge(self, facts: Facts) -> None:
        shown, due = self.side.judge(self.history.at(facts.now), facts)
        self.now = facts.now
        self.due = due if due is not None and due > facts.now else None
        if shown != self.shown:
            self.shown = shown
            self.timeline.append((facts.now, shown))

    def catch_up(self, until: int) -> None:
        """The judgements before `until` that no decision makes: a delay running out, the rule changing, the rule
        badges changing. Only once the identity has had a decision: the rules never judge one not scored."""
        if self.last is None or self.now is None:
            return
        while True:
            while self.next < len(self.instants) and self.instants[self.next] <= self.now:
                self.next += 1
            instant = self.instants[self.next] if self.next < len(self.instants) else None
            soonest = min((t for t in (self.due, instant) if t is not None), default=None)
            if soonest is None or soonest >= until:
                return
            self._judge(self.last.facts(soonest, self.held(soonest)))

    def decide(self, moment: Moment, rule_badges: frozenset[str]) -> None:
        self.catch_up(moment.at)
        self.last = moment
        self._judge(moment.facts(moment.at, rule_badges))


def _side(kind: str) -> _Side:
    return _BadgeSide() if kind == BADGE else _EscalationSide()


class _Identity:
    def __init__(self, kind: str, draft: RuleHistory, baseline: RuleHistory, changes: Sequence[BadgeChange]) -> None:
        self.changes = tuple(changes)
        own = [c.at for c in self.changes if c.cycle_id is None]
        self.draft = _Track(_side(kind), draft, own, self.held)
        self.baseline = _Track(_side(kind), baseline, own, self.held)
        self.last_cycle = 0

    def held(self, at: int) -> frozenset[str]:
        return rule_badges_at(self.changes, None, at) if self.changes else frozenset()

    def decide(self, moment: Moment) -> None:
        badges = rule_badges_at(self.changes, moment.cycle_id, moment.at) if self.changes else frozenset()
        self.draft.decide(moment, badges)
        self.baseline.decide(moment, badges)


@dataclass(frozen=True)
class Change:
    identity: str
    change: str  # GAIN, LOSE, OPEN or CLOSE
    at: int  # µs
    until: int | None  # when the two sides agree again; None: not within the window


@dataclass(frozen=True)
class Outcome:
    identities: int  # identities with a decision replayed
    decisions: int  # decisions replayed
    changes: tuple[Change, ...]  # by identity, then time

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes if c.change == change)

    @property
    def identities_changed(self) -> int:
        return len({c.identity for c in self.changes})


def parting(
    draft: Sequence[tuple[int, bool]], baseline: Sequence[tuple[int, bool]]
) -> list[tuple[bool, int, int | None]]:
    """Where two yes/no timelines disagree. Each is its changes, (instant, value) in time order, from False.
    Returns (the draft's value there, from, until: None if they never agree again), in time order."""
    instants = sorted({t for t, _ in draft} | {t for t, _ in baseline})
    mine = theirs = False
    i = j = 0
    found: list[tuple[bool, int, int | None]] = []
    current: tuple[bool, int] | None = None
    for t in instants:
        while i < len(draft) and draft[i][0] == t:
            mine = draft[i][1]
            i += 1
        while j < len(baseline) and baseline[j][0] == t:
            theirs = baseline[j][1]
            j += 1
        state = None if mine == theirs else mine
        if current is not None and state != current[0]:
            found.append((current[0], current[1], t))
            current = None
        if state is not None and current is None:
            current = (state, t)
    if current is not None:
        found.append((current[0], current[1], None))
    return found


class Backtest:
    """Feed it a team's decisions in log order (`decision`), then `finish` at the window's end."""

    def __init__(
        self,
        kind: str,
        draft: RuleHistory,
        baseline: RuleHistory,
        badge_changes: Callable[[str], Sequence[BadgeChange]] = lambda _: (),
    ) -> None:
        """`badge_changes`: an identity's recorded rule badge changes, asked once, at its first decision (only when
        `uses_badges`: no badge rule's judgement depends on badges)."""
        if kind not in CHANGES:
            raise ValueError(f"no such kind of rule: {kind}")
        self.kind = kind
        self.draft = draft
        self.baseline = baseline
        self.badge_changes = badge_changes
        self.decisions = 0
        self._identities: dict[str, _Identity] = {}

    @property
    def uses_badges(self) -> bool:
        """Whether the rules ask for the identities' rule badges (an escalation rule's BADGE_EXISTS…)."""
        return self.draft.uses_badges() or self.baseline.uses_badges()

    def decision(self, moment: Moment) -> bool:
        """Judges one decision on both sides; False if the evaluator would have skipped it (its cycle is not above
        one already judged for the identity)."""
        who = self._identities.get(moment.identity)
        if who is None:
            changes = self.badge_changes(moment.identity) if self.uses_badges else ()
            who = self._identities[moment.identity] = _Identity(self.kind, self.draft, self.baseline, changes)
        if moment.cycle_id is not None:
            if moment.cycle_id <= who.last_cycle:
                return False
            who.last_cycle = moment.cycle_id
        who.decide(moment)
        self.decisions += 1
        return True

    def finish(self, until: int) -> Outcome:
        """What differs, up to `until` (µs, excluded): the delays that run out before it are judged first."""
        shows, lacks = CHANGES[self.kind]
        changes: list[Change] = []
        for identity in sorted(self._identities):
            who = self._identities[identity]
            who.draft.catch_up(until)
            who.baseline.catch_up(until)
            for value, at, ends in parting(who.draft.timeline, who.baseline.timeline):
                changes.append(Change(identity, shows if value else lacks, at, ends))
        return Outcome(len(self._identities), self.decisions, tuple(changes))
