"""An identity as Dregs knew it at an instant, from the events recorded up to then: its row as the tracking
projection builds it (domain/tracking/identity_row.py, the same functions), the scores and badges of the
last decision it had, and the rule badges and escalations its IdentityAlerts held.

Pure: application/audit/as_of.py reads the stores and hands the events here in log order."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.alerting.escalation import ACKNOWLEDGED, OPEN
from domain.scoring.categories import Category
from domain.scoring.link_keys import KeyKind, context_keys
from domain.times import to_micros
from domain.tracking.identity import Identity
from domain.tracking.identity_row import disregard, merge_attributes, new_identity, touched, tracked
from domain.tracking.mapping_rule import MappingRule
from domain.tracking.mappings import NO_OVERRIDES, Overrides, canonical_event_type
from domain.tracking.tracked_event import TrackedEvent

SCORE_COLUMNS = {
    Category.HUMANITY: "humanity_score",
    Category.AUTHENTICITY: "authenticity_score",
    Category.UNIQUENESS: "uniqueness_score",
    Category.BEHAVIOR: "behavior_score",
}
SHOWN = frozenset({OPEN, ACKNOWLEDGED})  # pending ones were never shown to anyone


@dataclass
class Known:
    """What the identity's tracked events, its edits and the team's mappings made of it."""

    row: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)  # oldest first, as the events list shows them
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)  # fingerprint → its newest report's facts


def known_identity(customer_id: UUID, identity: str, facts: Iterable[Any]) -> Known:
    """Applies, in log order, the identity's TrackedEvent.Recorded events, its Identity edits and the team's
    MappingRule changes; `row` stays None until its first tracked event (before that Dregs knew nothing of it)."""
    known = Known()
    overrides: Overrides = NO_OVERRIDES
    for e in facts:
        if isinstance(e, (MappingRule.Set, MappingRule.Removed)):
            target = e.target if isinstance(e, MappingRule.Set) else None
            overrides = overrides.with_mapping(e.kind, e.source, target)
        elif isinstance(e, TrackedEvent.Recorded):
            _recorded(known, customer_id, identity, e, overrides)
        elif known.row is None:
            continue  # an edit names an identity that exists: never before its first event
        elif isinstance(e, Identity.AttributesEdited):
            merge_attributes(known.row, e.attributes, overrides)
            touched(known.row, to_micros(e.timestamp))
        elif isinstance(e, Identity.DisregardChanged):
            disregard(known.row, e.disregarded, to_micros(e.timestamp))
    return known


def _recorded(known: Known, customer_id: UUID, identity: str, e: TrackedEvent.Recorded, overrides: Overrides) -> None:
    occurred, received = to_micros(e.occurred_at), to_micros(e.received_at)
    if known.row is None:
        known.row = new_identity(customer_id, identity, occurred)
    merge_attributes(known.row, e.identity_data, overrides)
    tracked(known.row, occurred, received)
    report = e.device
    ip = report["ip"] if report is not None else context_keys(e.data).get(KeyKind.IP)
    known.events.append(
        {
            "event_id": e.event_id,
            "occurred_at": occurred,
            "received_at": received,
            "event_name": e.event_type,
            "canonical_type": canonical_event_type(e.event_type, overrides),
            "ip": ip,
        }
    )
    if report is not None:
        _seen(known.devices, report, occurred)


def _seen(devices: dict[str, dict[str, Any]], report: Mapping[str, Any], at: int) -> None:
    """A device as the identity's own newest report of it tells (the devices list's columns)."""
    found = devices.get(report["fingerprint"])
    if found is not None and found["last_seen_at"] > at:
        found["first_seen_at"] = min(found["first_seen_at"], at)
        return
    agent, network = report["agent"], report["network"]
    devices[report["fingerprint"]] = {
        "fingerprint": report["fingerprint"],
        **{name: agent[name] for name in ("browser", "browser_version", "os", "os_version")},
        "city": network["city"],
        "country": network["country"],
        "first_seen_at": min(at, found["first_seen_at"]) if found is not None else at,
        "last_seen_at": at,
    }


def decision_scores(scores: Mapping[str, int]) -> dict[str, int | None]:
    """A decision's scores under the read models' column names."""
    return {column: scores.get(category.value) for category, column in SCORE_COLUMNS.items()}


def analysis_row(decision: Any) -> dict[str, Any]:
    """A FraudDecision as the analyses read model holds it: what the API's analysis and history answers read."""
    return {
        "customer_id": decision.customer_id,
        "cycle_id": decision.cycle_id,
        "identity_id": decision.identity,
        **decision_scores(decision.scores),
        "observations": decision.observations,
        "event_count": decision.event_count,
        "device_count": decision.device_count,
        "started_at": to_micros(decision.started_at),
        "finished_at": to_micros(decision.finished_at),
    }


def scored(row: dict[str, Any], decision: Any | None) -> dict[str, Any]:
    """The row with the scores of the identity's last decision, as the scoring projection sets them."""
    if decision is None:
        return row
    return {
        **row,
        **decision_scores(decision.scores),
        "last_scored_at": to_micros(decision.finished_at),
        "last_cycle_id": decision.cycle_id,
    }


def badges_held(
    analyzer_badges: Iterable[Mapping[str, Any]], rule_badges: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The analyzers' badges of the last decision and the badges rules had given, in the read model's order
    (priority, highest first, then slug); a rule's badge wins a slug both hold, as its upsert does there."""
    held = {b["slug"]: {**b, "priority": 0} for b in analyzer_badges}
    held.update({b["slug"]: dict(b) for b in rule_badges})
    return sorted(held.values(), key=lambda b: (-b["priority"], b["slug"]))


def shown_escalations(watches: Mapping[str, Mapping[str, Any]]) -> list[int]:
    """The numbers of the escalations a team saw open (or acknowledged) for the identity, from its watches."""
    return sorted(
        w["escalation"] for w in watches.values() if w.get("escalation") is not None and w.get("status") in SHOWN
    )


def version_at(timestamps: Iterable[Any], at: Any) -> int | None:
    """The aggregate version current at `at`: how many of its events (oldest first) were recorded by then."""
    version = 0
    for stamp in timestamps:
        if stamp > at:
            break
        version += 1
    return version or None
