"""Everything recorded about one identity in a team, read from the event stores: its tracked events and the
team's edits of it (tracking), its FraudDecisions and reviews (scoring), its IdentityAlerts and escalations
(alerting), the team's rule, dataset entry and mapping changes made in its lifetime (and every change of a
rule behind one of its badges or escalations), and the activity log's entries that say who made those
changes (accounts).

The read models serve only as an index (`RecordIndex`): which reviews, escalations, rules, entries and
mappings to read, and, for the two streams that grow without bound (tracked events and decisions), their
times, so a page of the timeline reads only its own events. Every value shown comes from the stored events,
decoded by their application's mapper.

Everything else is read whole for a page: an identity's reviews, badges, escalations and the team's changes
in its lifetime are the work of people and rules, not of traffic. The timeline is ordered by (at, rank,
number): a tracked event's receipt and a cycle's end (the times the read models keep), anything else's
recording; at one instant events first, then decisions, then the rest in store order."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from heapq import merge
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.application import Application

from application.accounts.application import AccountsApplication
from application.ports import StoredEventsPort
from domain.alerting.escalation import Escalation
from domain.alerting.identity_alerts import IdentityAlerts
from domain.alerting.rules import BadgeRule, EscalationRule
from domain.audit.timeline import (
    ACTIVITY_KINDS,
    DECISION_RANK,
    EVENT_RANK,
    OTHER_RANK,
    TEAM_KINDS,
    Entry,
    Logged,
    Mark,
    Recorded,
    analyzer_badges,
    at_of,
    decision_entry,
    entries_of,
    event_entry,
    logged,
    order_key,
    who_changed,
)
from domain.scoring.dataset_entry import DatasetEntry
from domain.scoring.fraud_decision import FraudDecision
from domain.scoring.review import IdentityReview
from domain.tracking.identity import Identity
from domain.tracking.tracked_event import TrackedEvent

EXPORT_CHUNK = 500


class RecordIndex(Protocol):
    """Which aggregates hold an identity's record (projections/audit/record_index.py). Names and times only."""

    def first_seen(self, customer_id: UUID, identity: str) -> int | None:
        """When Dregs first received one of its events (µs); None if the team has no such identity."""
        ...

    def reviews(self, customer_id: UUID, identity: str) -> list[int]: ...

    def escalations(self, customer_id: UUID, identity: str) -> list[int]: ...

    def rules(self, customer_id: UUID) -> list[tuple[str, int]]:
        """("badge-rule" or "escalation-rule", number) of every rule the team has had."""
        ...

    def dataset_entries(self, customer_id: UUID, since: int) -> list[tuple[str, str]]:
        """(slug, key) of the team's own dataset entries changed since `since`."""
        ...

    def mappings(self, customer_id: UUID, since: int) -> list[UUID]:
        """The ids of the team's mappings changed since `since`."""
        ...

    def activities(self, customer_id: UUID, kinds: Iterable[str], since: int) -> list[UUID]:
        """The ids of the team's activity log entries of these kinds recorded since `since`."""
        ...

    def count_marks(  # noqa: PLR0913
        self,
        customer_id: UUID,
        identity: str,
        ranks: frozenset[int],
        start: int | None,
        end: int | None,
        cap: int | None = None,
    ) -> int:
        """How many marks of these ranks lie in [start, end), counted up to `cap` if given."""
        ...

    def marks(  # noqa: PLR0913
        self,
        customer_id: UUID,
        identity: str,
        ranks: frozenset[int],
        start: int | None,
        end: int | None,
        offset: int,
        limit: int,
        after: tuple[int, int, int] | None = None,
        *,
        from_newest: bool = False,
    ) -> list[Mark]:
        """Marks in (at, rank, number) order: those in [start, end), past `after` if given, from `offset` (counted
        back from the newest, `from_newest`; the marks still come oldest first)."""
        ...

    def decision_before(self, customer_id: UUID, identity: str, at: int, cycle_id: int) -> int | None:
        """The identity's decision just before this one in (finished at, cycle) order."""
        ...


@dataclass(frozen=True)
class Stores:
    tracking: Application[UUID]
    scoring: Application[UUID]
    alerting: Application[UUID]
    accounts: AccountsApplication
    reader: StoredEventsPort

    def of(self, name: str) -> Application[UUID]:
        return getattr(self, name)


@dataclass(frozen=True)
class Window:
    """A timeline's filters: entries at or after `start` and before `end` (µs), of these kinds (None: all)."""

    start: int | None = None
    end: int | None = None
    kinds: frozenset[str] | None = None

    def wants(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds

    def holds(self, at: int) -> bool:
        return (self.start is None or at >= self.start) and (self.end is None or at < self.end)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Entry]
    total: int


class UnknownIdentity(LookupError):
    """The team has no such identity."""


class _Who:
    """Names of people and keys from the accounts store, and who made each team change (domain Who)."""

    def __init__(self, accounts: AccountsApplication, customer_id: UUID) -> None:
        self.accounts = accounts
        self.customer_id = customer_id
        self.pairs: dict[tuple[UUID, int], Logged] = {}
        self.member = cache(self._member)
        self.key = cache(self._key)

    def _member(self, user_id: UUID) -> str | None:
        user = self.accounts.user(user_id)
        return user.email if user is not None and user.customer_id == self.customer_id else None

    def _key(self, credential_id: UUID) -> str | None:
        credential = self.accounts.credential(credential_id)
        return credential.name if credential is not None and credential.customer_id == self.customer_id else None

    def changed_by(self, aggregate_id: UUID, version: int) -> Logged | None:
        return self.pairs.get((aggregate_id, version))


@dataclass(frozen=True)
class _Part:
    """One aggregate's whole history, and which of its events belong to the identity's record."""

    history: list[Recorded]
    since: int | None = None  # only events recorded from then on (a team's change in the identity's lifetime)

    def kept(self, r: Recorded) -> bool:
        return self.since is None or r.timestamp >= self.since

    @property
    def records(self) -> list[Recorded]:
        return [r for r in self.history if self.kept(r)]


@dataclass(frozen=True)
class _Others:
    """Everything but the two growing streams: the records in order, and their entries in order."""

    records: list[tuple[int, Recorded]]  # (at, record)
    entries: list[Entry]


class IdentityRecord:
    def __init__(self, stores: Stores, index: RecordIndex, customer_id: UUID, identity: str) -> None:
        self.stores = stores
        self.index = index
        self.customer_id = customer_id
        self.identity = identity
        first = index.first_seen(customer_id, identity)
        if first is None:
            raise UnknownIdentity(identity)
        self.first_seen = first
        self.who = _Who(stores.accounts, customer_id)

    # --- reading ------------------------------------------------------------------------------------

    def _history(self, store: str, aggregate_id: UUID) -> list[Recorded]:
        app = self.stores.of(store)
        return [
            Recorded(store, s.originator_id, s.originator_version, s.topic, app.mapper.to_domain_event(s))  # type: ignore[arg-type]
            for s in app.recorder.select_events(aggregate_id)
        ]

    def _one(self, mark: Mark) -> Recorded | None:
        return self._ones([mark])[0]

    def _ones(self, marks: Sequence[Mark]) -> list[Recorded | None]:
        """The tracked event or decision of each mark (None where the store has none), read a query a store
        rather than one an aggregate: an export of an identity's 10,000 events made 10,000 round trips."""
        ids = [self._aggregate_id(mark) for mark in marks]
        found: dict[UUID, Recorded] = {}
        for store, rank in (("tracking", EVENT_RANK), ("scoring", DECISION_RANK)):
            wanted = [i for i, mark in zip(ids, marks, strict=True) if mark.rank == rank]
            if not wanted:
                continue
            for s, event in self.stores.reader.decoded(self.stores.of(store), wanted):
                # A tracked event and a decision are each one event; should either aggregate ever grow, its
                # record is still its first.
                if s.originator_id not in found:
                    found[s.originator_id] = Recorded(store, s.originator_id, s.originator_version, s.topic, event)  # type: ignore[arg-type]
        return [found.get(i) for i in ids]

    def _aggregate_id(self, mark: Mark) -> UUID:
        if mark.rank == EVENT_RANK:
            assert mark.event_id is not None
            return TrackedEvent.create_id(self.customer_id, mark.event_id)
        return FraudDecision.create_id(self.customer_id, mark.number)

    def _others(self, *, team_wide: bool) -> _Others:
        c, who = self.customer_id, self.who
        identity = self._history("tracking", Identity.create_id(c, self.identity))
        since = min([self.first_seen] + [r.timestamp for r in identity[:1]])
        parts = [_Part(identity)]
        parts += [
            _Part(self._history("scoring", IdentityReview.create_id(c, n)))
            for n in self.index.reviews(c, self.identity)
        ]
        alerts = _Part(self._history("alerting", IdentityAlerts.create_id(c, self.identity)))
        escalations = [
            _Part(self._history("alerting", Escalation.create_id(c, n)))
            for n in self.index.escalations(c, self.identity)
        ]
        parts += [alerts, *escalations]
        records = [r for p in parts for r in p.records]
        if team_wide:
            changes = self._team_changes(since, _rules_behind(alerts, escalations))
            parts += changes
            kept_changes = [r for p in changes for r in p.records]
            if kept_changes:
                activity = [
                    r
                    for a in self.index.activities(c, ACTIVITY_KINDS, min(r.timestamp for r in kept_changes))
                    for r in self._history("accounts", a)
                ]
                who.pairs = who_changed([p.history for p in changes], [logged(r) for r in activity])
                kept = {(r.aggregate_id, r.version) for r in kept_changes}
                told = {entry.activity_id for change, entry in who.pairs.items() if change in kept}
                records += kept_changes + [r for r in activity if r.aggregate_id in told]
        ordered = sorted(records, key=order_key)
        entries = [e for p in parts for e in entries_of(p.history, who, p.kept)]
        place = {(r.store, r.aggregate_id, r.version): i for i, r in enumerate(ordered)}
        entries.sort(key=lambda e: place[(e.record.store, e.record.aggregate_id, e.record.version)])
        return _Others([(at_of(r)[0], r) for r in ordered], entries)

    def _team_changes(self, since: int, behind: set[tuple[str, int]]) -> list[_Part]:
        """The team's rules, dataset entries and mappings changed in the identity's lifetime; a rule behind one
        of its badges or escalations with its whole history (the version named there may be older)."""
        c = self.customer_id
        parts = []
        for kind, number in self.index.rules(c):
            cls = BadgeRule if kind == "badge-rule" else EscalationRule
            history = self._history("alerting", cls.create_id(c, number))
            parts.append(_Part(history, None if (kind, number) in behind else since))
        for slug, key in self.index.dataset_entries(c, since):
            parts.append(_Part(self._history("scoring", DatasetEntry.create_id(c, slug, key)), since))
        for mapping in self.index.mappings(c, since):
            parts.append(_Part(self._history("tracking", mapping), since))
        return [p for p in parts if p.records]

    # --- the timeline -------------------------------------------------------------------------------

    def timeline(self, window: Window, page_number: int, page_size: int, *, descending: bool = False) -> TimelinePage:
        """One page of the entries `window` keeps, in time order (or newest first)."""
        c, i = self.customer_id, self.identity
        ranks = frozenset(r for r, kind in ((EVENT_RANK, "event_received"), (DECISION_RANK, "decision"))
                          if window.wants(kind))  # fmt: skip
        team_wide = window.kinds is None or bool(window.kinds & TEAM_KINDS)
        wanted = [e for e in self._others(team_wide=team_wide).entries if window.wants(e.kind) and window.holds(e.at)]
        streams = self.index.count_marks(c, i, ranks, window.start, window.end) if ranks else 0
        total = streams + len(wanted)
        offset = page_number * page_size
        if descending:
            lo, hi = max(0, total - offset - page_size), max(0, total - offset)
        else:
            lo, hi = min(offset, total), min(offset + page_size, total)
        if lo >= hi:
            return TimelinePage([], total)

        @cache
        def reaches(j: int, target: int) -> bool:
            """Whether the j-th of the other entries falls at `target` or later among all, that is whether at
            least target - j marks lie at or before its instant: counted from the nearer end, and no further
            than needed, so a page near either end of a long history stays cheap."""
            need, at = target - j, wanted[j].at
            if need <= 0 or need > streams:
                return need <= 0
            if need <= streams - need:
                before = _narrowed(window.end, at + 1, min)
                return self.index.count_marks(c, i, ranks, window.start, before, cap=need) >= need
            since = _narrowed(window.start, at + 1, max)
            return self.index.count_marks(c, i, ranks, since, window.end, cap=streams - need + 1) <= streams - need

        first = _first_reaching(lambda j: reaches(j, lo), len(wanted))
        past = _first_reaching(lambda j: reaches(j, hi), len(wanted))
        offset, limit = lo - first, (hi - lo) - (past - first)
        newest = offset > streams - (offset + limit)
        marks = (
            self.index.marks(c, i, ranks, window.start, window.end, streams - (offset + limit) if newest else offset,
                             limit, from_newest=newest)
            if ranks and limit > 0
            else []
        )  # fmt: skip
        entries = self._stream_entries(marks) + wanted[first:past]
        entries.sort(key=_order)
        return TimelinePage(entries[::-1] if descending else entries, total)

    def _stream_entries(self, marks: Sequence[Mark]) -> list[Entry]:
        found: list[Entry] = []
        before: dict[str, dict[str, Any]] | None = None
        first_decision = True
        for mark, r in zip(marks, self._ones(marks), strict=True):
            if r is None:
                continue  # in the read models but not in the store: nothing to show
            if mark.rank == EVENT_RANK:
                found.append(event_entry(r, self.who))
                continue
            if first_decision:
                before = self._badges_before(mark)
                first_decision = False
            found.append(decision_entry(r, before))
            before = analyzer_badges(r.event)
        return found

    def _badges_before(self, mark: Mark) -> dict[str, dict[str, Any]] | None:
        previous = self.index.decision_before(self.customer_id, self.identity, mark.at, mark.number)
        if previous is None:
            return None
        found = self._one(Mark(0, DECISION_RANK, previous))
        return analyzer_badges(found.event) if found is not None else None

    # --- the export ---------------------------------------------------------------------------------

    def stored(self, until: int) -> Iterator[tuple[int, Recorded]]:
        """Every stored event of the record, oldest first, as (at, record); the tracked events and decisions
        before `until` (µs: when the export began), read a chunk at a time."""
        others = ((at, OTHER_RANK, n, r) for n, (at, r) in enumerate(self._others(team_wide=True).records))
        for at, _, _, r in merge(self._streams(until), others, key=lambda x: x[:3]):
            yield at, r

    def _streams(self, until: int) -> Iterator[tuple[int, int, int, Recorded]]:
        after: tuple[int, int, int] | None = None
        ranks = frozenset({EVENT_RANK, DECISION_RANK})
        while True:
            chunk = self.index.marks(self.customer_id, self.identity, ranks, None, until, 0, EXPORT_CHUNK, after)
            for mark, r in zip(chunk, self._ones(chunk), strict=True):
                if r is not None:
                    yield at_of(r)[0], mark.rank, mark.number, r
            if len(chunk) < EXPORT_CHUNK:
                return
            last = chunk[-1]
            after = (last.at, last.rank, last.number)


def _order(e: Entry) -> tuple[int, int]:
    # A stable sort: entries of one instant and rank stay in the order they were read in (the index's, the store's).
    return e.at, e.rank


def _first_reaching(reaches: Callable[[int], bool], count: int) -> int:
    """The first j (0…count) for which `reaches` holds: it holds for every j after, so a binary search asks the
    index O(log count) times."""
    lo, hi = 0, count
    while lo < hi:
        mid = (lo + hi) // 2
        if reaches(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _narrowed(bound: int | None, to: int, pick: Callable[[int, int], int]) -> int:
    return to if bound is None else pick(bound, to)


def _rules_behind(alerts: _Part, escalations: list[_Part]) -> set[tuple[str, int]]:
    """The rules the identity's badges and escalations name."""
    found: set[tuple[str, int]] = set()
    for r in alerts.history:
        if isinstance(r.event, IdentityAlerts.BadgesChanged):
            found |= {("badge-rule", b["rule"]) for b in r.event.removed}
            found |= {("badge-rule", (b.get("metadata") or {}).get("rule")) for b in r.event.added}
    for part in escalations:
        if part.history and isinstance(part.history[0].event, Escalation.Matched):
            found.add(("escalation-rule", part.history[0].event.rule_number))
    return found
