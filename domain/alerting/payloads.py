"""The `data` of each channel event, as receivers get it. Built when the news happens and frozen
in the delivery, so a retry hours later carries what was true then."""

from datetime import datetime
from typing import Any

from domain.alerting.escalation import Escalation


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def public_badge(badge: dict[str, Any]) -> dict[str, Any]:
    return {k: badge.get(k) for k in ("slug", "name", "type", "explanation", "metadata")}


def identity_scored(
    identity: str, scores: dict[str, int], badges: list[dict[str, Any]], cycle_id: int, scored_at: datetime
) -> dict[str, Any]:
    return {
        "identityId": identity,
        "scores": scores,
        "badges": [public_badge(b) for b in badges],
        "cycleId": cycle_id,
        "lastScoredAt": iso(scored_at),
    }


def badges_changed(
    identity: str, added: list[dict[str, Any]], removed: list[dict[str, Any]], badges: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "identityId": identity,
        "added": [public_badge(b) for b in added],
        "removed": [{"slug": b["slug"], "name": b.get("name")} for b in removed],
        "badges": [public_badge(b) for b in badges],
    }


def escalation(e: Escalation) -> dict[str, Any]:
    return {
        "identityId": e.identity,
        "escalation": {
            "id": e.number,
            "status": e.status,
            "severity": e.severity,
            "identity": {"id": e.identity},
            "escalationRule": {"id": str(e.rule_number), "slug": e.rule_slug, "label": e.rule_name},
            "scoreSnapshot": e.scores,
            "badges": e.badges,
            "conditions": e.conditions,
            "openedAt": iso(e.opened_at),
            "closedAt": iso(e.closed_at),
            "closeReason": e.close_reason,
            "createdAt": iso(e.created_at),
        },
    }
