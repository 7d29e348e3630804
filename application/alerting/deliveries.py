"""One try at one delivery: the use case every worker runs (arq on Redis, or the in-process queue).

At least once: the send happens before its record, so a worker killed in between sends again; the
receiver tells the two apart by the `webhook-id` (the same on every try). Two workers that try the
same delivery at once both send, and the first record wins: the other's attempt number is taken."""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.alerting.application import AlertingApplication
from application.alerting.ports import AdminNotice, DeliveryLimits, DeliverySender, SendResult
from domain.alerting.channel import EMAIL, FAILING_DAYS_BEFORE_DISABLE, Channel
from domain.alerting.delivery import PENDING, Delivery
from domain.alerting.envelope import envelope, judge
from domain.alerting.retry_schedule import retry_delay

log = logging.getLogger(__name__)

CHANNEL_RULE = "channel_deliveries"  # per channel (adapters/rate_limits.py RULES)
EMAIL_RULE = "team_email"  # email per team
EARLY = timedelta(seconds=1)  # a job this close to its time runs: the queues' clocks and ours differ a little
SAVE_TRIES = 10

RetryDelay = Callable[[int, float | None], float | None]


@dataclass(frozen=True)
class Tried:
    """What `attempt` did: "skipped", "postponed", "abandoned", or "attempted". The queue that ran it
    schedules what comes next: the same try again at `next_attempt_at` when postponed, the next try then
    after a failure."""

    what: str
    attempt: int = 0
    succeeded: bool = False
    next_attempt_at: datetime | None = None


class Deliveries:
    def __init__(  # noqa: PLR0913 - the ports a try needs
        self,
        alerting: AlertingApplication,
        sender: DeliverySender,
        limits: DeliveryLimits,
        admins: AdminNotice,
        schedule: RetryDelay | None = None,
    ) -> None:
        self.alerting = alerting
        self.sender = sender
        self.limits = limits
        self.admins = admins
        self.schedule: RetryDelay = schedule or (lambda n, wait: retry_delay(n, wait, random.Random()))

    def attempt(self, delivery_id: UUID) -> Tried:
        now = self.alerting.clock()
        delivery = self.alerting.get(delivery_id, Delivery)
        if delivery is None or delivery.status != PENDING:
            return Tried("skipped")
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now + EARLY:
            # Too early (a stale job): the job for its time is queued, or the sweep queues it.
            return Tried("skipped")
        channel = self.alerting.get(Channel.create_id(delivery.customer_id, delivery.channel), Channel)
        if channel is None or channel.deleted or not channel.enabled:
            reason = "The channel was deleted" if channel is None or channel.deleted else "The channel is disabled"
            return self._record(delivery_id, lambda d, c: d.abandon(reason, now), Tried("abandoned"))
        wait = self.limits.over(CHANNEL_RULE, f"{delivery.customer_id}:{delivery.channel}")
        if wait is None and channel.type == EMAIL:
            wait = self.limits.over(EMAIL_RULE, str(delivery.customer_id))
        if wait is not None:
            until = now + timedelta(seconds=wait)
            tried = Tried("postponed", delivery.attempts + 1, next_attempt_at=until)
            return self._record(delivery_id, lambda d, c: d.postpone(until, "Postponed by the rate limit"), tried)

        number = delivery.attempts + 1
        body = envelope(delivery.event, now, delivery.channel, delivery.id, delivery.data)
        try:
            result = self.sender.send(channel, delivery, body, now)
        except Exception as exc:  # a bug in a sender must cost a try, not the delivery
            log.exception("sending delivery %s failed", delivery_id)
            result = SendResult(None, f"{type(exc).__name__}: {exc}")
        done_at = self.alerting.clock()
        verdict = judge(result.status_code, result.error, result.retry_after, done_at)
        delay = None if verdict.succeeded or verdict.disable_channel else self.schedule(number, verdict.retry_after)
        next_at = None if delay is None else done_at + timedelta(seconds=delay)
        disabled: list[Channel] = []

        def record(d: Delivery, c: Channel | None) -> None:
            disabled.clear()  # run again from fresh copies after a conflict
            if d.attempts >= number:
                raise _TakenError  # another worker recorded this try first
            d.attempted(number, result.status_code, verdict.error, verdict.succeeded, next_at, done_at)
            if c is None or c.deleted:
                return
            if verdict.succeeded:
                if c.failing_since is not None or c.last_success_at is None:
                    c.succeeded(done_at)
                return
            if c.failing_since is None:
                c.failing(done_at)
            reason = verdict.disable_channel
            if reason is None and done_at - c.failing_since >= timedelta(days=FAILING_DAYS_BEFORE_DISABLE):
                reason = f"Every delivery failed for {FAILING_DAYS_BEFORE_DISABLE} days"
            if reason is not None and c.enabled:
                c.disable(reason, done_at)
                disabled.append(c)

        tried = Tried("attempted", number, verdict.succeeded, next_at)
        done = self._record(delivery_id, record, tried)
        if done.what != "attempted":
            return done
        for c in disabled:
            try:
                self.admins.channel_disabled(delivery.customer_id, c)
            except Exception:  # the channel is disabled either way; the log says why the mail did not go
                log.exception(
                    "telling the admins of team %s that channel %s was disabled failed", c.customer_id, c.slug
                )
        return done

    def _record(self, delivery_id: UUID, change: Callable[[Delivery, Channel | None], None], tried: Tried) -> Tried:
        """Apply `change` to fresh copies of the delivery and its channel and save both in one transaction,
        again from fresh copies when another writer got there first (the channel is shared by many
        deliveries, so its version is often taken)."""
        for _ in range(SAVE_TRIES):
            delivery = self.alerting.get(delivery_id, Delivery)
            if delivery is None or delivery.status != PENDING:
                return Tried("skipped")
            channel = self.alerting.get(Channel.create_id(delivery.customer_id, delivery.channel), Channel)
            try:
                change(delivery, channel)
            except _TakenError:
                return Tried("skipped")
            pending = [a for a in (delivery, channel) if a is not None and a.pending_events]
            try:
                self.alerting.save(*pending)
            except IntegrityError:
                continue
            return tried
        raise RuntimeError(f"delivery {delivery_id}: could not record the try after {SAVE_TRIES} conflicts")


class _TakenError(Exception):
    pass
