"""A person moves an escalation: acknowledges it, or closes it.

The move and the identity's watch of the rule are saved together: the evaluator decides from the
watch whether to open a new escalation, so a close it did not see would let it open one again at
once. Saved in one transaction, a concurrent evaluation collides with the move (and is retried)
instead of racing it."""

import logging
from uuid import UUID

from application.alerting.application import AlertingApplication, NotFound
from application.alerting.notifications import deliveries_for
from application.alerting.ports import DeliveryQueue
from application.conflicts import retry_on_conflict
from application.positions import last_position
from domain.alerting import payloads
from domain.alerting.channel import Channel
from domain.alerting.channel_events import ESCALATION_CLOSED
from domain.alerting.delivery import Delivery
from domain.alerting.escalation import ACKNOWLEDGED, CLOSED, Escalation
from domain.alerting.identity_alerts import IdentityAlerts

log = logging.getLogger(__name__)


def find(app: AlertingApplication, customer_id: UUID, number: int) -> Escalation:
    found = app.get(Escalation.create_id(customer_id, number), Escalation)
    if found is None or found.customer_id != customer_id:
        raise NotFound(f"no escalation {number}")
    return found


def _watch_after(alerts: IdentityAlerts, escalation: Escalation) -> dict[str, object] | None:
    """The watch as it stands after the move, or None when it does not follow this escalation."""
    watch = alerts.watch(escalation.rule_number)
    if watch.get("escalation") != escalation.number:
        return None
    if escalation.status == CLOSED:
        # Closed while the conditions still hold: suppressed until they stop holding and hold again.
        return {**watch, "escalation": None, "status": None, "suppressed": bool(watch.get("holding"))}
    if escalation.status == ACKNOWLEDGED:
        return {**watch, "status": ACKNOWLEDGED}
    return None


def move(  # noqa: PLR0913
    app: AlertingApplication,
    customer_id: UUID,
    number: int,
    status: str,
    by: str | None,
    queue: DeliveryQueue | None = None,
) -> tuple[Escalation, int]:
    """ACKNOWLEDGED (from OPEN) or CLOSED (from OPEN or ACKNOWLEDGED), by `by`; InvalidInput for any other
    move, NotFound if the team has no such escalation. Returns the escalation and the log position.

    A close tells the rule's channels (ESCALATION_CLOSED), in the same save; the deliveries are handed to
    `queue` once saved (without one, the workers' sweep finds them)."""

    def attempt() -> tuple[Escalation, int]:
        escalation = find(app, customer_id, number)
        now = app.clock()
        escalation.move_to(status, by=by, at=now)
        changed = [escalation]
        alerts = app.get(IdentityAlerts.create_id(customer_id, escalation.identity), IdentityAlerts)
        if alerts is not None:
            watch = _watch_after(alerts, escalation)
            if watch is not None:
                alerts.record(
                    badge_standings={},
                    watches={str(escalation.rule_number): watch},
                    cycle_id=None,
                    due_at=alerts.due_at,
                    at=now,
                )
                changed.append(alerts)
        deliveries: list[Delivery] = []
        if escalation.status == CLOSED:
            deliveries = deliveries_for(
                customer_id,
                app.all_of(customer_id, "channel", Channel),
                ESCALATION_CLOSED,
                f"escalation:{escalation.number}:closed",
                escalation.identity,
                payloads.escalation(escalation),
                now,
                escalation.channels,
            )
        position = last_position(app.save(*changed, *deliveries))
        for delivery in deliveries if queue is not None else ():
            try:
                queue.enqueue(customer_id, delivery.id)
            except Exception:  # noqa: BLE001 - recorded: the sweep hands it over instead
                log.warning("could not enqueue delivery %s; the sweep will", delivery.id)
        return escalation, position

    return retry_on_conflict(attempt)
