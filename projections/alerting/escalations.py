"""The alerting log → the escalations list. `rule_deleted` is set here when the escalation's rule was
deleted before it matched, and by projections/alerting/rules.py when the rule is deleted later."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select, update

from domain.alerting.escalation import ACKNOWLEDGED, CANCELLED, CLOSED, OPEN, Escalation
from domain.alerting.rules import SEVERITIES
from domain.times import to_micros
from projections.schema import escalation_rules, escalations
from projections.upsert import insert_ignore


def _matched(conn: Connection, position: int, e: Escalation.Matched) -> None:
    at = to_micros(e.at)
    rule_deleted = conn.execute(
        select(escalation_rules.c.deleted).where(
            escalation_rules.c.customer_id == e.customer_id, escalation_rules.c.number == e.rule_number
        )
    ).scalar()
    row = {
        "customer_id": e.customer_id,
        "number": e.number,
        "escalation_id": e.originator_id,
        "identity_id": e.identity,
        "rule_number": e.rule_number,
        "rule_slug": e.rule_slug,
        "rule_name": e.rule_name,
        "rule_version": e.rule_version,
        "rule_deleted": bool(rule_deleted),
        "severity": e.severity,
        "severity_rank": SEVERITIES.index(e.severity) if e.severity in SEVERITIES else 0,
        "status": "PENDING",
        "scores": e.scores,
        "badges": e.badges,
        "conditions": e.conditions,
        "channels": e.channels,
        "opens_at": to_micros(e.opens_at),
        "opened_at": None,
        "acknowledged_at": None,
        "acknowledged_by": None,
        "closed_at": None,
        "closed_by": None,
        "close_reason": None,
        "created_at": at,
        "updated_at": at,
    }
    insert_ignore(conn, escalations, [row])


def _update(conn: Connection, e: Any, at: int, **values: Any) -> None:
    conn.execute(
        update(escalations).where(escalations.c.escalation_id == e.originator_id).values(updated_at=at, **values)
    )


def _opened(conn: Connection, position: int, e: Escalation.Opened) -> None:
    at = to_micros(e.at)
    _update(conn, e, at, status=OPEN, scores=e.scores, badges=e.badges, opened_at=at)


def _cancelled(conn: Connection, position: int, e: Escalation.Cancelled) -> None:
    at = to_micros(e.at)
    _update(conn, e, at, status=CANCELLED, closed_at=at, close_reason="CONDITIONS_CLEARED_BEFORE_OPENING")


def _acknowledged(conn: Connection, position: int, e: Escalation.Acknowledged) -> None:
    at = to_micros(e.at)
    _update(conn, e, at, status=ACKNOWLEDGED, acknowledged_at=at, acknowledged_by=e.by)


def _closed(conn: Connection, position: int, e: Escalation.Closed) -> None:
    at = to_micros(e.at)
    _update(conn, e, at, status=CLOSED, closed_at=at, closed_by=e.by, close_reason=e.reason)


HANDLERS: dict[type, Callable[[Connection, int, Any], None]] = {
    Escalation.Matched: _matched,
    Escalation.Opened: _opened,
    Escalation.Cancelled: _cancelled,
    Escalation.Acknowledged: _acknowledged,
    Escalation.Closed: _closed,
}
