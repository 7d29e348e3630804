"""Applies a team's badge and escalation rules to one identity, and records what follows: badges
added or removed, escalations matched, opened, cancelled or closed, and the deliveries that tell
the team's channels — all in one save, so an evaluation happens entirely or not at all.

Badge rules go first: an escalation rule may ask for a badge a badge rule has just given. Delays are
kept per identity and rule (domain/alerting/watch.py); `due_at` tells the timer when to look again
without a cycle. A cycle evaluated once is not evaluated again (`last_cycle_id`), so following the
scoring log at least once is enough."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from application.alerting.application import AlertingApplication
from application.alerting.notifications import deliveries_for
from application.alerting.ports import DeliveryQueue
from application.alerting.rulebook import RuleBook, TeamRules
from domain.alerting import payloads
from domain.alerting.channel_events import (
    ESCALATION_CLOSED,
    ESCALATION_OPENED,
    IDENTITY_BADGES_CHANGED,
    IDENTITY_SCORED,
)
from domain.alerting.conditions import Facts
from domain.alerting.delivery import Delivery
from domain.alerting.escalation import CLOSED, Escalation
from domain.alerting.identity_alerts import IdentityAlerts
from domain.alerting.judging import judge_badge, judge_escalation
from domain.alerting.rules import BadgeRule, EscalationRule
from domain.alerting.sighting import Sighting
from domain.alerting.watch import Standing
from domain.times import from_micros, to_micros

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 20


@dataclass
class Outcome:
    """What an evaluation left the identity with (POST /api/events?decide=true answers with it)."""

    badges: list[dict[str, Any]]
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    evaluated_before: bool = False  # this cycle had been evaluated already: nothing was recorded now


def rule_badge(rule: BadgeRule, since: int) -> dict[str, Any]:
    conditions = " and ".join(c.describe() for c in rule.parsed_conditions)
    return {
        "slug": rule.slug,
        "name": rule.name,
        "type": rule.type,
        "explanation": f"Badge rule {rule.name!r}: {conditions}",
        "metadata": {"source": "RULE", "rule": rule.number, "ruleVersion": rule.version, "since": since},
        "priority": rule.priority,
    }


def removed_badge(rule: BadgeRule, badge: dict[str, Any]) -> dict[str, Any]:
    """The news of a badge the rule no longer gives (its name as the identity held it)."""
    return {"slug": rule.slug, "name": badge["name"], "rule": rule.number, "ruleVersion": rule.version}


class _Evaluation:
    """One attempt: everything is computed on freshly loaded aggregates and saved together."""

    def __init__(
        self, evaluator: "Evaluator", customer_id: UUID, sighting: Sighting, team: TeamRules, now: datetime
    ) -> None:
        self.ev = evaluator
        self.app = evaluator.app
        self.customer_id = customer_id
        self.s = sighting
        self.team = team
        self.now = now
        self.now_us = to_micros(now)
        self.alerts = self.app.get(
            IdentityAlerts.create_id(customer_id, sighting.identity), IdentityAlerts
        ) or IdentityAlerts(customer_id=customer_id, identity=sighting.identity)
        self.escalations: dict[int, Escalation] = {}
        self.claimed: list[int] = []
        self.news: list[tuple[str, str, dict[str, Any], list[str] | None]] = []
        self.dues: list[int] = []
        self.refreshed: set[str] = set()  # badges shown anew after their rule changed: no news for channels

    def already_done(self) -> bool:
        return self.s.cycle_id is not None and self.s.cycle_id <= self.alerts.last_cycle_id

    def shown(self) -> list[dict[str, Any]]:
        """The identity's badges, the analyzers' and the rules', by priority, the highest first."""
        badges = list(self.s.analyzer_badges) + list(self.alerts.badges.values())
        return sorted(badges, key=lambda b: (-int(b.get("priority") or 0), b["slug"]))

    def facts(self, rule_badges: dict[str, dict[str, Any]]) -> Facts:
        slugs = {b["slug"] for b in self.s.analyzer_badges} | set(rule_badges)
        return Facts(self.s.scores, frozenset(slugs), self.s.first_seen, self.now_us)

    def badges(self) -> tuple[dict[str, dict[str, Any]], dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        held_badges = dict(self.alerts.badges)
        facts = self.facts({})
        updates: dict[str, Any] = {}
        added: list[dict[str, Any]] = []
        removed: list[dict[str, Any]] = []
        for rule in self.team.badge_rules:
            key = str(rule.number)
            standing, held = self.alerts.badge_standing(rule.number)
            mine = held_badges.get(rule.slug)
            mine = mine if mine is not None and mine["metadata"].get("rule") == rule.number else None
            if not rule.active or self.s.disregarded:
                if key in self.alerts.badge_standings:
                    updates[key] = None
                if mine is not None:
                    removed.append(removed_badge(rule, held_badges.pop(rule.slug)))
                continue
            judged = judge_badge(
                rule.parsed_conditions, rule.apply_delay_seconds, rule.remove_delay_seconds, standing, held, facts
            )
            holds, standing, step, now_held = judged.holds, judged.standing, judged.step, judged.held
            if step.apply:
                badge = rule_badge(rule, self.now_us)
                added.append(badge)
                held_badges[rule.slug] = badge
            elif step.remove and mine is not None:
                removed.append(removed_badge(rule, held_badges.pop(rule.slug)))
            elif now_held and mine is not None and mine["metadata"].get("ruleVersion") != rule.version:
                # The rule changed and still gives the badge: it shows the rule's new name, type and priority.
                badge = rule_badge(rule, mine["metadata"].get("since", self.now_us))
                added.append(badge)
                self.refreshed.add(rule.slug)
                held_badges[rule.slug] = badge
            if step.due_at is not None:
                self.dues.append(step.due_at)
            entry = {"holding": standing.holding, "since": standing.since, "held": now_held}
            if entry != self.alerts.badge_standings.get(key) and (
                key in self.alerts.badge_standings or holds or now_held
            ):
                updates[key] = entry
        return held_badges, updates, added, removed

    def escalation(self, number: int) -> Escalation | None:
        if number not in self.escalations:
            found = self.app.get(Escalation.create_id(self.customer_id, number), Escalation)
            if found is None:
                return None
            self.escalations[number] = found
        return self.escalations[number]

    def escalate(self, held_badges: dict[str, dict[str, Any]]) -> dict[str, Any]:
        facts = self.facts(held_badges)
        badges = sorted(facts.badges)
        updates: dict[str, Any] = {}
        for rule in self.team.escalation_rules:
            key = str(rule.number)
            w = self.alerts.watch(rule.number)
            current = self.escalation(w["escalation"]) if w["escalation"] is not None else None
            if current is not None and current.status in (CLOSED, "CANCELLED"):
                current = None  # closed elsewhere: the watch is told in the same save, this is only a guard
            status = current.status if current is not None else None
            if not rule.active or self.s.disregarded or rule.effective_at > self.now:
                if status == "PENDING":
                    current.cancel(at=self.now)
                    updates[key] = {**w, "escalation": None, "status": None}
                continue
            judged = judge_escalation(
                rule.parsed_conditions,
                rule.open_after_seconds,
                rule.close_after_seconds,
                Standing(w["holding"], w["since"]),
                status,
                bool(w["suppressed"]),
                facts,
            )
            holds, standing, suppressed, step = judged.holds, judged.standing, judged.suppressed, judged.step
            number = current.number if current is not None else None
            if step.match:
                current = self.match(rule, standing, badges)
                number = current.number
            if step.open_now and current is not None:
                current.open(scores=dict(self.s.scores), badges=badges, cycle_id=self.s.cycle_id, at=self.now)
                self.news.append(
                    (
                        ESCALATION_OPENED,
                        f"escalation:{current.number}:opened",
                        payloads.escalation(current),
                        current.channels,
                    )
                )
            elif step.cancel and current is not None:
                current.cancel(at=self.now)
                number = None
            elif step.close and current is not None:
                current.close(by=None, reason="CONDITIONS_CLEARED", at=self.now)
                self.news.append(
                    (
                        ESCALATION_CLOSED,
                        f"escalation:{current.number}:closed",
                        payloads.escalation(current),
                        current.channels,
                    )
                )
                number = None
            if step.due_at is not None:
                self.dues.append(step.due_at)
            entry = {
                "holding": standing.holding,
                "since": standing.since,
                "escalation": number,
                "status": self.escalations[number].status if number is not None else None,
                "suppressed": suppressed,
            }
            if entry != w and (key in self.alerts.watches or holds or number is not None):
                updates[key] = entry
        return updates

    def match(self, rule: EscalationRule, standing: Standing, badges: list[str]) -> Escalation:
        number = self.app.escalation_numbers.claim(self.customer_id)
        self.claimed.append(number)
        matched = [c.to_dict() for c in rule.parsed_conditions]
        escalation = Escalation(
            customer_id=self.customer_id,
            number=number,
            identity=self.s.identity,
            rule_number=rule.number,
            rule_slug=rule.slug,
            rule_name=rule.name,
            rule_version=rule.version,
            severity=rule.severity,
            conditions=matched,
            channels=[c for c in rule.channels if c in self.team.channels],
            scores=dict(self.s.scores),
            badges=badges,
            cycle_id=self.s.cycle_id,
            opens_at=from_micros(standing.since + rule.open_after_seconds * 1_000_000),
            at=self.now,
        )
        self.escalations[number] = escalation
        return escalation

    def run(self) -> Outcome:
        if self.already_done():
            # Another evaluator (the follower of the scoring log, or a decision in a request) was first:
            # what it left is the answer.
            return Outcome(self.shown(), evaluated_before=True)
        held_badges, badge_updates, added, removed = self.badges()
        watch_updates = self.escalate(held_badges)
        due_at = min(self.dues) if self.dues else None
        alerts = self.alerts
        recorded = False
        if badge_updates or watch_updates or added or removed or due_at != alerts.due_at:
            alerts.record(
                badge_standings=badge_updates,
                watches=watch_updates,
                cycle_id=self.s.cycle_id,
                due_at=due_at,
                at=self.now,
            )
            recorded = True
        if added or removed:
            alerts.change_badges(added=added, removed=removed, cycle_id=self.s.cycle_id, at=self.now)
        current = self.shown()
        news_added = [b for b in added if b["slug"] not in self.refreshed]
        deliveries = self.deliveries(current, news_added, removed)
        if deliveries and not recorded and self.s.cycle_id is not None:
            # Remembering the cycle keeps a second evaluation of it (the log is followed at least once)
            # from recording its deliveries again.
            alerts.record(badge_standings={}, watches={}, cycle_id=self.s.cycle_id, due_at=due_at, at=self.now)
            recorded = True
        changed = [a for a in self.escalations.values() if a.pending_events]
        if recorded or changed or deliveries:
            self.app.save(alerts, *changed, *deliveries)
        return Outcome(current, news_added, removed, changed, deliveries)

    def deliveries(
        self, current: list[dict[str, Any]], added: list[dict[str, Any]], removed: list[dict[str, Any]]
    ) -> list[Delivery]:
        channels = list(self.team.channels.values())
        found: list[Delivery] = []
        s = self.s
        if s.cycle_id is not None and s.scored_at is not None:
            data = payloads.identity_scored(s.identity, dict(s.scores), current, s.cycle_id, s.scored_at)
            found += deliveries_for(
                self.customer_id, channels, IDENTITY_SCORED, f"cycle:{s.cycle_id}", s.identity, data, self.now
            )
        if added or removed:
            data = payloads.badges_changed(s.identity, added, removed, current)
            trigger = f"badges:{self.alerts.id.hex}:{self.alerts.version}"
            found += deliveries_for(
                self.customer_id, channels, IDENTITY_BADGES_CHANGED, trigger, s.identity, data, self.now
            )
        for event, trigger, data, rule_channels in self.news:
            found += deliveries_for(
                self.customer_id, channels, event, trigger, s.identity, data, self.now, rule_channels
            )
        return found


class Evaluator:
    def __init__(
        self,
        app: AlertingApplication,
        rulebook: RuleBook,
        queue: Callable[[], DeliveryQueue | None] = lambda: None,
    ) -> None:
        self.app = app
        self.rulebook = rulebook
        self.queue = queue

    def evaluate(self, customer_id: UUID, sighting: Sighting, now: datetime | None = None) -> Outcome:
        team = self.rulebook.team(customer_id)
        for _ in range(MAX_ATTEMPTS):
            evaluation = _Evaluation(self, customer_id, sighting, team, now or self.app.clock())
            try:
                outcome = evaluation.run()
            except IntegrityError:
                # A person moved an escalation, or another evaluator saved first: start again from the store.
                for number in evaluation.claimed:
                    self.app.escalation_numbers.skip_past(customer_id, number)
                continue
            self._enqueue(customer_id, outcome.deliveries)
            return outcome
        raise RuntimeError(f"could not evaluate the rules for {sighting.identity!r}: the store kept refusing")

    def _enqueue(self, customer_id: UUID, deliveries: list[Delivery]) -> None:
        queue = self.queue()
        if queue is None:
            return
        for delivery in deliveries:
            try:
                queue.enqueue(customer_id, delivery.id)
            except Exception:
                # The delivery is recorded; the worker's sweep finds it even if this hand-over failed.
                log.exception("could not enqueue delivery %s; the sweep will", delivery.id)
