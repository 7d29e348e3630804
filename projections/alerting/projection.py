"""The alerting log → rules, channels, escalations, deliveries, identities' rule badges and the
timers of rule delays. Each part's handlers live in their own module; this one dispatches."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from projections.alerting import channels, deliveries, escalations, identity_alerts, rules

HANDLERS: dict[type, Callable[[Connection, int, Any], None]] = {
    **rules.HANDLERS,
    **channels.HANDLERS,
    **escalations.HANDLERS,
    **deliveries.HANDLERS,
    **identity_alerts.HANDLERS,
}


def _ignore(conn: Connection, position: int, e: Any) -> None:
    pass


class AlertingProjection:
    name = "alerting"

    def apply(self, conn: Connection, batch_events: list[tuple[int, Any]]) -> None:
        for position, e in batch_events:
            HANDLERS.get(type(e), _ignore)(conn, position, e)
