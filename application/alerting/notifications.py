"""Which channels hear a piece of news, and the delivery records that carry it.

Deliveries are made here and saved by the caller in the same transaction as whatever caused them
(the outbox): a cycle's evaluation, an escalation's move. Their id is derived from the channel and
the trigger, so evaluating the same cycle twice cannot send the news twice."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.alerting.channel import Channel
from domain.alerting.channel_events import ESCALATION_EVENTS
from domain.alerting.delivery import Delivery


def deliveries_for(  # noqa: PLR0913
    customer_id: UUID,
    channels: Iterable[Channel],
    event: str,
    trigger: str,
    identity: str | None,
    data: dict[str, Any],
    at: datetime,
    rule_channels: Iterable[str] | None = None,
) -> list[Delivery]:
    """One delivery per enabled channel subscribed to `event`; escalation news only to the channels the
    rule names (`rule_channels`)."""
    named = None if rule_channels is None else frozenset(rule_channels)
    found = []
    for channel in channels:
        if not channel.enabled or channel.deleted or event not in channel.events:
            continue
        if event in ESCALATION_EVENTS and (named is None or channel.slug not in named):
            continue
        found.append(
            Delivery(
                customer_id=customer_id,
                channel=channel.number,
                channel_type=channel.type,
                event=event,
                trigger=trigger,
                identity=identity,
                data=data,
                at=at,
            )
        )
    return found
