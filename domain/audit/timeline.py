"""An identity's record told as a timeline: each stored event that means something to an auditor becomes an
entry with what happened (`kind`, `summary`), why (`cause`: the events, rule, dataset and mapping versions
behind it) and who did it (`actor`). Pure: the events come decoded, the names of people and keys through
`Who`.

Events that only keep the machinery's state (an aggregate's registration, IdentityAlerts' standing of each
rule's conditions) make no entry; the export (domain/audit/chain.py) holds them all."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.alerting.escalation import Escalation
from domain.alerting.identity_alerts import IdentityAlerts
from domain.alerting.rules import BadgeRule, EscalationRule, Rule
from domain.scoring.dataset_entry import DatasetEntry
from domain.scoring.fraud_decision import FraudDecision
from domain.scoring.review import IdentityReview
from domain.team.activity import Activity, Kind
from domain.times import to_micros
from domain.tracking.identity import Identity
from domain.tracking.mapping_rule import MappingRule
from domain.tracking.tracked_event import TrackedEvent

# Every kind an entry can have, in the order a reader meets them.
KINDS = (
    "event_received",
    "decision",
    "badge_added",
    "badge_updated",
    "badge_removed",
    "escalation_matched",
    "escalation_opened",
    "escalation_cancelled",
    "escalation_acknowledged",
    "escalation_closed",
    "review_requested",
    "review",
    "review_failed",
    "attributes_edited",
    "disregarded",
    "regarded",
    "analysis_requested",
    "erased",
    "rule_changed",
    "dataset_changed",
    "mapping_changed",
)
TEAM_KINDS = frozenset({"rule_changed", "dataset_changed", "mapping_changed"})  # the team's, not the identity's

# Entries at one instant: a tracked event before the decision it fed, both before what followed from them.
EVENT_RANK, DECISION_RANK, OTHER_RANK = 0, 1, 2
CATEGORY_NAMES = {"HUMANITY": "Humanity", "AUTHENTICITY": "Authenticity", "UNIQUENESS": "Uniqueness",
                  "BEHAVIOR": "Behavior"}  # fmt: skip


@dataclass(frozen=True)
class Actor:
    """MEMBER (by email), KEY ("key <name>"), DREGS (the engine), OPERATOR (the `dregs` CLI), or UNRECORDED:
    the record does not say who (an identity's attributes and disregarding name no one)."""

    type: str
    name: str | None


DREGS = Actor("DREGS", "Dregs")
OPERATOR = Actor("OPERATOR", "operator")
UNRECORDED = Actor("UNRECORDED", None)


@dataclass(frozen=True)
class Recorded:
    """One stored event, decoded by its application's mapper."""

    store: str  # tracking, scoring, alerting, accounts
    aggregate_id: UUID
    version: int
    topic: str
    event: Any

    @property
    def timestamp(self) -> int:
        return to_micros(self.event.timestamp)


@dataclass(frozen=True)
class Mark:
    """One tracked event (EVENT_RANK: `number` its tracking log position, `event_id` the client's id) or one
    decision (DECISION_RANK: `number` its cycle) of an identity, at the time `at_of` gives it, as an index
    names it."""

    at: int
    rank: int
    number: int
    event_id: str | None = None


@dataclass(frozen=True)
class Entry:
    at: int  # µs
    rank: int
    kind: str
    summary: str
    cause: dict[str, Any]
    actor: Actor
    record: Recorded = field(repr=False)


@dataclass(frozen=True)
class Logged:
    """An entry of the account activity log that may tell who made a change."""

    activity_id: UUID
    at: int
    kind: str
    actor: str
    subject: str | None
    detail: Mapping[str, Any]


class Who(Protocol):
    def member(self, user_id: UUID) -> str | None:
        """The member's email, if the accounts store knows them."""
        ...

    def key(self, credential_id: UUID) -> str | None:
        """The key's name, if the accounts store knows it."""
        ...

    def changed_by(self, aggregate_id: UUID, version: int) -> Logged | None:
        """The activity log's entry for this change of a rule, dataset entry or mapping (see `who_changed`)."""
        ...


def at_of(r: Recorded) -> tuple[int, int]:
    """When an entry happened by the record's own account, and its rank: a tracked event when Dregs received
    it, a decision when its cycle finished, anything else at the instant its event names (`at`: the moment an
    evaluation or a person acted, one for everything one evaluation decided) or else when it was recorded. The
    read models keep the first two (events.received_at, analyses.finished_at), so they page the two streams
    that grow."""
    e = r.event
    if isinstance(e, TrackedEvent.Recorded):
        return to_micros(e.received_at), EVENT_RANK
    if isinstance(e, FraudDecision.Decided):
        return to_micros(e.finished_at), DECISION_RANK
    moment = getattr(e, "at", None)
    return (to_micros(moment) if isinstance(moment, datetime) else r.timestamp), OTHER_RANK


# At one instant, the rest in the order of cause and effect: the team's edits and changes and the log entry that
# tells who made them, then the badges an evaluation gave, then the escalations those badges opened, then reviews.
_AGGREGATE_ORDER = {"Identity": 0, "BadgeRule": 1, "EscalationRule": 1, "DatasetEntry": 1, "MappingRule": 1,
                    "Activity": 2, "IdentityAlerts": 3, "Escalation": 4, "IdentityReview": 5}  # fmt: skip


def order_key(r: Recorded) -> tuple[int, int, int, int, str, str, int]:
    """Where a stored event falls in an identity's record: by `at_of`, then cause before effect, then as stored."""
    at, rank = at_of(r)
    aggregate = type(r.event).__qualname__.split(".", 1)[0]
    return at, rank, _AGGREGATE_ORDER.get(aggregate, 9), r.timestamp, r.store, r.aggregate_id.hex, r.version


def named(recorded: str | None) -> Actor:
    """A person or key as a record names them: an email; "key <name>" (the activity log); "api:<name>" (an
    escalation moved with a server key); "operator"."""
    if recorded is None or recorded == "anonymous":
        return UNRECORDED
    if recorded == "operator":
        return OPERATOR
    if recorded.startswith("key "):
        return Actor("KEY", recorded)
    if recorded == "api" or recorded.startswith("api:"):
        return Actor("KEY", "key " + recorded[4:] if recorded.startswith("api:") else "key")
    return Actor("MEMBER", recorded)


def requester(recorded: str | None, who: Who) -> Actor:
    """Who asked for an analysis or review: recorded as "user:<id>" or "credential:<id>"."""
    kind, _, raw = (recorded or "").partition(":")
    try:
        found = UUID(raw)
    except ValueError:
        return UNRECORDED
    if kind == "user":
        email = who.member(found)
        return Actor("MEMBER", email or f"member {found}")
    if kind == "credential":
        return key_actor(found, who)
    return UNRECORDED


def key_actor(credential_id: UUID | None, who: Who) -> Actor:
    if credential_id is None:
        return UNRECORDED
    name = who.key(credential_id)
    return Actor("KEY", f"key {name}" if name is not None else f"key {credential_id}")


def _entry(r: Recorded, kind: str, summary: str, cause: dict[str, Any], actor: Actor) -> Entry:
    at, rank = at_of(r)
    return Entry(at, rank, kind, summary, {k: v for k, v in cause.items() if v is not None}, actor, r)


# --- the two streams that grow: tracked events and decisions ---------------------------------------


def event_entry(r: Recorded, who: Who) -> Entry:
    e = r.event
    source = f", source {e.source!r}" if e.source else ""
    return _entry(
        r,
        "event_received",
        f"Event {e.event_type!r} received (id {e.event_id!r}{source})",
        {
            "event_id": e.event_id,
            "event_type": e.event_type,
            "source": e.source,
            "occurred_at": to_micros(e.occurred_at),
        },
        key_actor(e.credential_id, who),
    )


def _scores(scores: Mapping[str, int]) -> str:
    shown = [f"{CATEGORY_NAMES.get(c, c)} {v}" for c, v in scores.items()]
    return ", ".join(shown) if shown else "no score yet"


def analyzer_badges(decision: Any) -> dict[str, dict[str, Any]]:
    """The badges a decision's analyzers gave (domain/scoring/analyzer_badges.py), by slug."""
    return {b["slug"]: b for b in decision.badges or ()}


def decision_entry(r: Recorded, before: Mapping[str, dict[str, Any]] | None) -> Entry:
    """`before`: the analyzer badges after the identity's previous decision (None: it is the first). An
    analyzer's badge is told with the decision that gave or dropped it: its cause is that cycle's observation."""
    e = r.event
    now = analyzer_badges(e)
    before = before or {}
    added = [_analyzer_badge(b) for slug, b in now.items() if slug not in before]
    removed = [_analyzer_badge(b) for slug, b in before.items() if slug not in now]
    events = "1 event" if e.event_count == 1 else f"{e.event_count} events"
    summary = f"Cycle {e.cycle_id} scored {events}: {_scores(e.scores)}"
    if added:
        summary += "; badge added: " + ", ".join(f"{b['name']!r} (analyzer {b['observation']})" for b in added)
    if removed:
        summary += "; badge removed: " + ", ".join(f"{b['name']!r} (analyzer {b['observation']})" for b in removed)
    cause = {
        "cycle_id": e.cycle_id,
        "event_count": e.event_count,
        "device_count": e.device_count,
        "inputs_position": e.inputs_position,
        "rules_version": e.rules_version,
        "datasets_version": e.datasets_version,
        "mappings_version": e.mappings_version,
        "scores": dict(e.scores),
        "badges": sorted(now),
        "badges_added": added or None,
        "badges_removed": removed or None,
    }
    return _entry(r, "decision", summary, cause, DREGS)


def _analyzer_badge(badge: Mapping[str, Any]) -> dict[str, Any]:
    # An analyzer badge's slug is the id of the observation that earned it.
    return {"slug": badge["slug"], "name": badge.get("name") or badge["slug"], "observation": badge["slug"]}


# --- everything else: read aggregate by aggregate, oldest event first -----------------------------


def entries_of(
    history: Sequence[Recorded], who: Who, shown: Callable[[Recorded], bool] = lambda _: True
) -> list[Entry]:
    """The entries of one aggregate's events, given all of them in version order (later events name only the
    aggregate, so its first says what it is); `shown` keeps those of the record (a rule's changes from before
    the identity existed are read for their context, not told)."""
    if not history:
        return []
    first = history[0].event
    if isinstance(first, IdentityAlerts.Started):
        return [e for e in _alerts(history) if shown(e.record)]
    for kind, tell in _TELLERS:
        if isinstance(first, kind):
            return [entry for r in history if shown(r) for entry in tell(history[0], r, who)]
    return []


def _identity(_: Recorded, r: Recorded, who: Who) -> Iterable[Entry]:
    e = r.event
    if isinstance(e, Identity.AttributesEdited):
        keys = sorted(e.attributes)
        yield _entry(r, "attributes_edited", "Attributes edited: " + ", ".join(keys), {"attributes": keys},
                     requester(e.edited_by, who))  # fmt: skip
    elif isinstance(e, Identity.DisregardChanged):
        if e.disregarded:
            yield _entry(r, "disregarded", "Identity disregarded: no longer scored nor badged", {},
                         requester(e.changed_by, who))  # fmt: skip
        else:
            yield _entry(r, "regarded", "Identity regarded again", {}, requester(e.changed_by, who))
    elif isinstance(e, Identity.AnalysisRequested):
        yield _entry(r, "analysis_requested", "A new analysis cycle asked for", {}, requester(e.requested_by, who))
    elif isinstance(e, Identity.Erased):
        yield _entry(r, "erased", "Personal data erased: attributes, event data, addresses and agents unreadable "
                     "for good; scores and history kept", {}, requester(e.erased_by, who))  # fmt: skip


def _review(first: Recorded, r: Recorded, who: Who) -> Iterable[Entry]:
    e = r.event
    number = first.event.number
    if isinstance(e, IdentityReview.Requested):
        said = " with feedback" if e.feedback else ""
        yield _entry(r, "review_requested", f"Review {number} asked for{said}", {"review": number},
                     requester(e.requested_by, who))  # fmt: skip
    elif isinstance(e, IdentityReview.Finished):
        yield _entry(r, "review", f"Review {number} written from cycle {e.cycle_id}: {e.verdict}",
                     {"review": number, "cycle_id": e.cycle_id, "verdict": e.verdict}, DREGS)  # fmt: skip
    elif isinstance(e, IdentityReview.Failed):
        yield _entry(
            r, "review_failed", f"Review {number} could not be written: {e.message}", {"review": number}, DREGS
        )


def _rule_ref(kind: str, number: int, slug: str, version: int) -> dict[str, Any]:
    return {"kind": kind, "number": number, "slug": slug, "version": version}


def _alerts(history: Sequence[Recorded]) -> Iterable[Entry]:
    """Badge changes, read in order: a badge added while already held is the same badge kept under a changed rule
    (the evaluator shows it anew with the rule's new name, type and priority)."""
    held: set[str] = set()
    for r in history:
        e = r.event
        if not isinstance(e, IdentityAlerts.BadgesChanged):
            continue
        for badge in e.removed:
            held.discard(badge["slug"])
            rule = _rule_ref("BADGE_RULE", badge["rule"], badge["slug"], badge["ruleVersion"])
            summary = (
                f"Badge {badge['name']!r} ({badge['slug']}) removed under badge rule {badge['rule']} version "
                f"{badge['ruleVersion']}"
            )
            yield _entry(r, "badge_removed", summary, {"rule": rule, "cycle_id": e.cycle_id}, DREGS)
        for badge in e.added:
            meta = badge.get("metadata") or {}
            rule = _rule_ref("BADGE_RULE", meta.get("rule"), badge["slug"], meta.get("ruleVersion"))
            about = f"Badge {badge['name']!r} ({badge['slug']})"
            under = f"badge rule {meta.get('rule')} version {meta.get('ruleVersion')}"
            if badge["slug"] in held:
                yield _entry(r, "badge_updated", f"{about} kept under {under}: the rule changed",
                             {"rule": rule, "cycle_id": e.cycle_id}, DREGS)  # fmt: skip
            else:
                yield _entry(
                    r, "badge_added", f"{about} added by {under}", {"rule": rule, "cycle_id": e.cycle_id}, DREGS
                )
            held.add(badge["slug"])


def _escalation(first: Recorded, r: Recorded, _: Who) -> Iterable[Entry]:
    m = first.event  # Matched: what the escalation is
    e = r.event
    rule = _rule_ref("ESCALATION_RULE", m.rule_number, m.rule_slug, m.rule_version)
    about = f"Escalation {m.number} ({m.severity}, escalation rule {m.rule_name!r} version {m.rule_version})"
    cause: dict[str, Any] = {"escalation": m.number, "rule": rule}
    if isinstance(e, Escalation.Matched):
        yield _entry(r, "escalation_matched", f"{about} matched", {**cause, "cycle_id": e.cycle_id}, DREGS)
    elif isinstance(e, Escalation.Opened):
        yield _entry(r, "escalation_opened", f"{about} opened", {**cause, "cycle_id": e.cycle_id}, DREGS)
    elif isinstance(e, Escalation.Cancelled):
        yield _entry(r, "escalation_cancelled", f"{about} cancelled: its conditions cleared before it opened",
                     cause, DREGS)  # fmt: skip
    elif isinstance(e, Escalation.Acknowledged):
        yield _entry(r, "escalation_acknowledged", f"{about} acknowledged", cause, named(e.by))
    elif isinstance(e, Escalation.Closed):
        reason = {"CLOSED_BY_USER": "closed by hand"}.get(e.reason, e.reason.replace("_", " ").lower())
        actor = named(e.by) if e.by is not None else DREGS
        yield _entry(r, "escalation_closed", f"{about} closed: {reason}", {**cause, "reason": e.reason}, actor)


def _changed_by(r: Recorded, who: Who) -> tuple[Actor, UUID | None]:
    logged = who.changed_by(r.aggregate_id, r.version)
    return (named(logged.actor), logged.activity_id) if logged is not None else (UNRECORDED, None)


def _rule(first: Recorded, r: Recorded, who: Who) -> Iterable[Entry]:
    c = first.event  # Created: the rule's number and slug, which never change
    e = r.event
    kind, noun = ("BADGE_RULE", "Badge rule") if isinstance(c, BadgeRule.Created) else ("ESCALATION_RULE",
                                                                                       "Escalation rule")  # fmt: skip
    rule = _rule_ref(kind, c.number, c.slug, r.version)
    actor, activity = _changed_by(r, who)
    cause = {"rule": rule, "activity_id": activity}
    if isinstance(e, Rule.Changed):
        fields = sorted(e.changes)
        summary = f"{noun} {c.slug!r} changed ({', '.join(fields)}): version {r.version}"
        yield _entry(r, "rule_changed", summary, {**cause, "change": "changed", "fields": fields}, actor)
    elif isinstance(e, Rule.Deleted):
        yield _entry(r, "rule_changed", f"{noun} {c.slug!r} deleted", {**cause, "change": "deleted"}, actor)
    elif r.version == 1:
        summary = f"{noun} {c.name!r} ({c.slug}) created: version 1"
        yield _entry(r, "rule_changed", summary, {**cause, "change": "created"}, actor)


def _dataset(_: Recorded, r: Recorded, who: Who) -> Iterable[Entry]:
    e = r.event
    actor, activity = _changed_by(r, who)
    cause = {"dataset": {"slug": e.slug, "key": e.key}, "activity_id": activity}
    if isinstance(e, DatasetEntry.Put):
        value = f" (value {e.value!r})" if e.value is not None else ""
        yield _entry(r, "dataset_changed", f"Entry {e.key!r}{value} put in the team's dataset {e.slug}",
                     {**cause, "change": "put"}, actor)  # fmt: skip
    elif isinstance(e, DatasetEntry.Removed):
        yield _entry(r, "dataset_changed", f"Entry {e.key!r} removed from the team's dataset {e.slug}",
                     {**cause, "change": "removed"}, actor)  # fmt: skip


def _mapping(_: Recorded, r: Recorded, who: Who) -> Iterable[Entry]:
    e = r.event
    actor, activity = _changed_by(r, who)
    if isinstance(e, MappingRule.Set):
        cause = {"mapping": {"kind": e.kind, "source": e.source, "target": e.target}, "activity_id": activity}
        yield _entry(r, "mapping_changed", f"Mapping {e.kind} {e.source!r} → {e.target} set",
                     {**cause, "change": "set"}, actor)  # fmt: skip
    elif isinstance(e, MappingRule.Removed):
        cause = {"mapping": {"kind": e.kind, "source": e.source}, "activity_id": activity}
        yield _entry(r, "mapping_changed", f"Mapping {e.kind} {e.source!r} removed", {**cause, "change": "removed"},
                     actor)  # fmt: skip


_TELLERS: tuple[tuple[type, Callable[[Recorded, Recorded, Who], Iterable[Entry]]], ...] = (
    (Identity.Registered, _identity),
    (IdentityReview.Requested, _review),
    (Escalation.Matched, _escalation),
    (BadgeRule.Created, _rule),
    (EscalationRule.Created, _rule),
    (DatasetEntry.Registered, _dataset),
    (MappingRule.Registered, _mapping),
)


# --- who made the team's changes: the activity log ------------------------------------------------

_LOGGED_AS: tuple[tuple[type, str], ...] = (
    (BadgeRule.Created, "badge_rule.created"),
    (EscalationRule.Created, "escalation_rule.created"),
    (Rule.Changed, "rule.changed"),
    (Rule.Deleted, "rule.deleted"),
    (DatasetEntry.Put, Kind.DATASET_ENTRY_SET.value),
    (DatasetEntry.Removed, Kind.DATASET_ENTRY_REMOVED.value),
    (MappingRule.Set, Kind.MAPPING_SET.value),
    (MappingRule.Removed, Kind.MAPPING_REMOVED.value),
)
ACTIVITY_KINDS = frozenset(
    {
        Kind.BADGE_RULE_CREATED, Kind.BADGE_RULE_CHANGED, Kind.BADGE_RULE_DELETED, Kind.ESCALATION_RULE_CREATED,
        Kind.ESCALATION_RULE_CHANGED, Kind.ESCALATION_RULE_DELETED, Kind.DATASET_ENTRY_SET,
        Kind.DATASET_ENTRY_REMOVED, Kind.MAPPING_SET, Kind.MAPPING_REMOVED,
    }
)  # fmt: skip


def logged(r: Recorded) -> Logged:
    """An activity log entry, from its one stored event."""
    e = r.event
    assert isinstance(e, Activity.Recorded)
    return Logged(r.aggregate_id, r.timestamp, e.kind, e.actor, e.subject, e.detail or {})


def _matches(change: Recorded, first: Any, entry: Logged) -> bool:
    """Whether the activity log entry tells of this change: the same kind of change to the same subject (a rule's
    slug and version; a dataset's slug and key, and the value put; a mapping's kind and source)."""
    e = change.event
    wanted = next((kind for cls, kind in _LOGGED_AS if isinstance(e, cls)), None)
    if wanted is None:
        return False
    if wanted.startswith("rule."):
        family = "badge_rule" if isinstance(first, BadgeRule.Created) else "escalation_rule"
        wanted = family + wanted[4:]
    if entry.kind != wanted:
        return False
    d = entry.detail
    if isinstance(first, BadgeRule.Created | EscalationRule.Created):
        same_version = "version" not in d or d["version"] == change.version
        return entry.subject == first.slug and same_version
    if isinstance(first, DatasetEntry.Registered):
        key = str(d.get("key", "")).strip().lower()
        same_value = not isinstance(e, DatasetEntry.Put) or d.get("value") == e.value
        return entry.subject == first.slug and key == first.key and same_value
    if isinstance(first, MappingRule.Registered):
        return entry.subject is not None and entry.subject.lower() == f"{first.kind} {e.source}".lower()
    return False


def who_changed(histories: Iterable[Sequence[Recorded]], entries: Sequence[Logged]) -> dict[tuple[UUID, int], Logged]:
    """Pairs each change of a rule, dataset entry or mapping with the activity log's entry about it, which the
    handler records right after the change (api/team/activity.py): the earliest entry of that kind and subject
    recorded from the change on and before the aggregate's next change, used once. A change no entry tells of
    (one the log missed) keeps no actor rather than borrowing another change's."""
    by_time = sorted(entries, key=lambda x: (x.at, x.activity_id.hex))
    used: set[UUID] = set()
    found: dict[tuple[UUID, int], Logged] = {}
    for history in histories:
        if not history:
            continue
        first = history[0].event
        changes = [r for r in history if any(isinstance(r.event, cls) for cls, _ in _LOGGED_AS)]
        for i, change in enumerate(changes):
            start = change.timestamp
            stop = changes[i + 1].timestamp if i + 1 < len(changes) else None
            for entry in by_time:
                if entry.at < start or entry.activity_id in used:
                    continue
                if stop is not None and entry.at >= stop:
                    break
                if _matches(change, first, entry):
                    found[(change.aggregate_id, change.version)] = entry
                    used.add(entry.activity_id)
                    break
    return found
