"""The alerting log → the badges rules gave identities (beside the analyzers' in `identity_badges`)
and the timers of rule delays."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, and_, delete, select

from domain.alerting.identity_alerts import IdentityAlerts
from projections.schema import alerting_identities, alerting_timers, identity_badges
from projections.upsert import insert_ignore, upsert


def _started(conn: Connection, position: int, e: IdentityAlerts.Started) -> None:
    row = {"alerts_id": e.originator_id, "customer_id": e.customer_id, "identity_id": e.identity}
    insert_ignore(conn, alerting_identities, [row])


def _owner(conn: Connection, e: Any) -> tuple[Any, str]:
    a = alerting_identities.c
    row = conn.execute(select(a.customer_id, a.identity_id).where(a.alerts_id == e.originator_id)).first()
    if row is None:
        raise LookupError(f"IdentityAlerts {e.originator_id} was never started")
    return row[0], row[1]


def _watched(conn: Connection, position: int, e: IdentityAlerts.Watched) -> None:
    customer, identity = _owner(conn, e)
    where = and_(alerting_timers.c.customer_id == customer, alerting_timers.c.identity_id == identity)
    if e.due_at is None:
        conn.execute(delete(alerting_timers).where(where))
    else:
        upsert(conn, alerting_timers, [{"customer_id": customer, "identity_id": identity, "due_at": e.due_at}])


def _badges_changed(conn: Connection, position: int, e: IdentityAlerts.BadgesChanged) -> None:
    customer, identity = _owner(conn, e)
    b = identity_badges.c
    slugs = [x["slug"] for x in e.removed] + [x["slug"] for x in e.added]
    if slugs:
        conn.execute(
            delete(identity_badges).where(b.customer_id == customer, b.identity_id == identity, b.slug.in_(slugs))
        )
    rows = [
        {
            "customer_id": customer,
            "identity_id": identity,
            "slug": badge["slug"],
            "name": badge["name"],
            "type": badge["type"],
            "explanation": badge["explanation"],
            "metadata": badge["metadata"],
            "priority": badge["priority"],
        }
        for badge in e.added
    ]
    if rows:
        upsert(conn, identity_badges, rows)


HANDLERS: dict[type, Callable[[Connection, int, Any], None]] = {
    IdentityAlerts.Started: _started,
    IdentityAlerts.Watched: _watched,
    IdentityAlerts.BadgesChanged: _badges_changed,
}
