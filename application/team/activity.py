"""Recording the account activity log (domain/team/activity.py) in the accounts event store."""

import logging
from typing import Any
from uuid import UUID

from application.accounts.application import AccountsApplication
from application.positions import last_position
from domain.team.activity import Activity, Actor, Kind

log = logging.getLogger(__name__)


def record(  # noqa: PLR0913 - one entry: whose team, what, who, on what, with which change
    accounts: AccountsApplication,
    customer_id: UUID,
    kind: Kind,
    actor: Actor,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
) -> int | None:
    """Record one entry after the change it tells of; its position, or None if it could not be recorded.

    The change is already saved (often in another context's store) when this runs: a failure here is logged
    loudly but not raised, since answering an error for a change that was made would have the caller retry it."""
    try:
        return last_position(accounts.save(Activity.of(customer_id, kind, actor, subject, detail)))
    except Exception:  # noqa: BLE001 - whatever the store raised, the change stands; say what went unrecorded
        log.exception("the activity log missed %s by %s in team %s (on %r)", kind, actor.name, customer_id, subject)
        return None
