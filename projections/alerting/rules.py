"""The alerting log → the badge and escalation rules lists. A rule's row keeps its aggregate
version (the rule version badges and escalations record). Deleting an escalation rule also marks
the escalations it opened, which stay."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from domain.alerting.rules import BadgeRule, EscalationRule, Rule
from domain.times import to_micros
from projections.schema import badge_rules, escalation_rules, escalations
from projections.upsert import insert_ignore

_BADGE_FIELDS = ("name", "type", "priority", "conditions", "apply_delay_seconds", "remove_delay_seconds", "enabled")
_ESCALATION_FIELDS = (
    "name",
    "severity",
    "conditions",
    "channels",
    "effective_at",
    "open_after_seconds",
    "close_after_seconds",
    "enabled",
)


def _stored(value: Any) -> Any:
    return to_micros(value) if isinstance(value, datetime) else value


def _created_row(e: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    at = to_micros(e.at)
    return {
        "customer_id": e.customer_id,
        "number": e.number,
        "rule_id": e.originator_id,
        "slug": e.slug,
        "version": e.originator_version,
        "deleted": False,
        "created_at": at,
        "updated_at": at,
        **{field: _stored(getattr(e, field)) for field in fields},
    }


def _badge_created(conn: Connection, position: int, e: BadgeRule.Created) -> None:
    insert_ignore(conn, badge_rules, [_created_row(e, _BADGE_FIELDS)])


def _escalation_created(conn: Connection, position: int, e: EscalationRule.Created) -> None:
    insert_ignore(conn, escalation_rules, [_created_row(e, _ESCALATION_FIELDS)])


def _changed(conn: Connection, position: int, e: Rule.Changed) -> None:
    # Both kinds record the base class's event: the rule's id says which table holds it.
    for table, fields in ((badge_rules, _BADGE_FIELDS), (escalation_rules, _ESCALATION_FIELDS)):
        values = {k: _stored(v) for k, v in e.changes.items() if k in fields}
        conn.execute(
            update(table)
            .where(table.c.rule_id == e.originator_id)
            .values(version=e.originator_version, updated_at=to_micros(e.at), **values)
        )


def _deleted(conn: Connection, position: int, e: Rule.Deleted) -> None:
    for table in (badge_rules, escalation_rules):
        conn.execute(
            update(table)
            .where(table.c.rule_id == e.originator_id)
            .values(deleted=True, version=e.originator_version, updated_at=to_micros(e.at))
        )
    rule = conn.execute(
        select(escalation_rules.c.customer_id, escalation_rules.c.number).where(
            escalation_rules.c.rule_id == e.originator_id
        )
    ).first()
    if rule is not None:
        conn.execute(
            update(escalations)
            .where(escalations.c.customer_id == rule.customer_id, escalations.c.rule_number == rule.number)
            .values(rule_deleted=True)
        )


HANDLERS: dict[type, Callable[[Connection, int, Any], None]] = {
    BadgeRule.Created: _badge_created,
    EscalationRule.Created: _escalation_created,
    # BadgeRule and EscalationRule record the events of Rule, where change() and delete() are defined.
    Rule.Changed: _changed,
    Rule.Deleted: _deleted,
}
