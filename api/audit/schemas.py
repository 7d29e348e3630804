"""An identity's timeline as GET /api/audit/identities/{id}/timeline answers it (domain/audit/timeline.py).

A cause lists only what applies to its entry's kind (the others are left out, not null): a decision's cycle,
event count, inputs position and rules, datasets and mappings versions; a badge's or escalation's rule and
version; a review's number and verdict; a change's dataset entry or mapping and the activity log entry that
named who made it."""

from typing import Any

import msgspec

from application.audit.export import instant
from domain.audit.timeline import Entry


class ActorOut(msgspec.Struct):
    """MEMBER (name: their email), KEY (`key <name>`), DREGS (the engine), OPERATOR (the CLI), or UNRECORDED
    (the record names no one: an identity's attributes and disregarding)."""

    type: str
    name: str | None


class RuleRefOut(msgspec.Struct):
    """BADGE_RULE or ESCALATION_RULE, its number, slug and the version behind the entry."""

    kind: str
    number: int | None
    slug: str
    version: int | None


class AnalyzerBadgeOut(msgspec.Struct):
    slug: str
    name: str
    observation: str  # the analyzer's observation that gave it (its id)


class DatasetEntryRefOut(msgspec.Struct):
    slug: str
    key: str


class MappingRefOut(msgspec.Struct, omit_defaults=True):
    kind: str
    source: str
    target: str | None = None


class CauseOut(msgspec.Struct, rename="camel", omit_defaults=True):
    event_id: str | None = None
    event_type: str | None = None
    source: str | None = None
    occurred_at: str | None = None
    cycle_id: int | None = None
    event_count: int | None = None
    device_count: int | None = None
    inputs_position: int | None = None
    rules_version: str | None = None
    datasets_version: str | None = None
    mappings_version: str | None = None
    scores: dict[str, int] | None = None
    badges: list[str] | None = None  # the analyzers' badges after a cycle
    badges_added: list[AnalyzerBadgeOut] | None = None
    badges_removed: list[AnalyzerBadgeOut] | None = None
    rule: RuleRefOut | None = None
    escalation: int | None = None
    reason: str | None = None
    review: int | None = None
    verdict: str | None = None
    attributes: list[str] | None = None  # the names of the attributes edited (their values are the identity's)
    change: str | None = None  # created, changed, deleted; put, removed; set, removed
    fields: list[str] | None = None  # a rule's fields a change set
    dataset: DatasetEntryRefOut | None = None
    mapping: MappingRefOut | None = None
    activity_id: str | None = None  # the activity log's entry naming who made the change


class RecordRefOut(msgspec.Struct, rename="camel"):
    """The stored event the entry was read from, as the export names it."""

    store: str
    aggregate_id: str
    version: int
    topic: str


class TimelineEntryOut(msgspec.Struct):
    at: str  # ISO-8601 to the microsecond
    kind: str
    summary: str
    cause: CauseOut
    actor: ActorOut
    record: RecordRefOut


def _cause_out(cause: dict[str, Any]) -> CauseOut:
    found = dict(cause)
    if "rule" in found:
        found["rule"] = RuleRefOut(**found["rule"])
    for key in ("badges_added", "badges_removed"):
        if key in found:
            found[key] = [AnalyzerBadgeOut(**b) for b in found[key]]
    if "dataset" in found:
        found["dataset"] = DatasetEntryRefOut(**found["dataset"])
    if "mapping" in found:
        found["mapping"] = MappingRefOut(**found["mapping"])
    if "activity_id" in found:
        found["activity_id"] = str(found["activity_id"])
    if "occurred_at" in found:
        found["occurred_at"] = instant(found["occurred_at"])
    return CauseOut(**found)


def timeline_entry_out(entry: Entry) -> TimelineEntryOut:
    r = entry.record
    return TimelineEntryOut(
        at=instant(entry.at),
        kind=entry.kind,
        summary=entry.summary,
        cause=_cause_out(entry.cause),
        actor=ActorOut(entry.actor.type, entry.actor.name),
        record=RecordRefOut(r.store, str(r.aggregate_id), r.version, r.topic),
    )
