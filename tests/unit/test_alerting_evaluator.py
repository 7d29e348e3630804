"""The evaluator on the library's in-memory store: badges, escalations, delays, idempotence and
the deliveries each piece of news makes."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from application.alerting.application import AlertingApplication
from application.alerting.evaluator import Evaluator
from application.alerting.rulebook import RuleBook
from domain.alerting.channel import Channel
from domain.alerting.delivery import Delivery
from domain.alerting.escalation import Escalation
from domain.alerting.identity_alerts import IdentityAlerts
from domain.alerting.rules import BadgeRule, EscalationRule
from domain.alerting.sighting import Sighting
from domain.times import to_micros

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
BOT = [{"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 30}]


class World:
    def __init__(self) -> None:
        self.app = AlertingApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"})
        self.team = uuid4()
        self.clock = [0.0]
        self.book = RuleBook(self.app, clock=lambda: self.clock[0])
        self.evaluator = Evaluator(self.app, self.book)
        self.cycle = 0

    def badge_rule(self, name: str = "Bot", conditions=BOT, apply_delay: int = 0, remove_delay: int = 0) -> BadgeRule:
        rule = self.app.create_named(
            self.team,
            "badge-rule",
            name.lower(),
            lambda n: BadgeRule(
                customer_id=self.team,
                number=n,
                slug=name.lower(),
                name=name,
                type="BAD",
                priority=5,
                conditions=conditions,
                apply_delay_seconds=apply_delay,
                remove_delay_seconds=remove_delay,
                enabled=True,
                at=T0,
            ),
        )
        self.book.forget(self.team)
        return rule

    def escalation_rule(  # noqa: PLR0913
        self, name: str = "Bots", conditions=BOT, channels=("ops",), open_after: int = 0, close_after: int | None = None
    ) -> EscalationRule:
        rule = self.app.create_named(
            self.team,
            "escalation-rule",
            name.lower(),
            lambda n: EscalationRule(
                customer_id=self.team,
                number=n,
                slug=name.lower(),
                name=name,
                severity="CRITICAL",
                conditions=conditions,
                channels=list(channels),
                effective_at=T0 - timedelta(days=1),
                open_after_seconds=open_after,
                close_after_seconds=close_after,
                enabled=True,
                at=T0,
            ),
        )
        self.book.forget(self.team)
        return rule

    def channel(
        self,
        slug: str = "ops",
        events=("IDENTITY_SCORED", "IDENTITY_BADGES_CHANGED", "ESCALATION_OPENED", "ESCALATION_CLOSED"),
    ) -> Channel:
        channel = self.app.create_named(
            self.team,
            "channel",
            slug,
            lambda n: Channel(
                customer_id=self.team,
                number=n,
                slug=slug,
                name=slug,
                type="WEBHOOK",
                config={"url": "https://example.com/hook"},
                sealed={},
                events=list(events),
                enabled=True,
                at=T0,
            ),
        )
        self.book.forget(self.team)
        return channel

    def scored(self, humanity: int, at: datetime, identity: str = "u1", cycle: bool = True):
        if cycle:
            self.cycle += 1
        sighting = Sighting(
            identity=identity,
            scores={"HUMANITY": humanity, "AUTHENTICITY": 80, "UNIQUENESS": 80, "BEHAVIOR": 80},
            first_seen=to_micros(T0),
            cycle_id=self.cycle if cycle else None,
            scored_at=at,
        )
        return self.evaluator.evaluate(self.team, sighting, at)

    def alerts(self, identity: str = "u1") -> IdentityAlerts:
        found = self.app.get(IdentityAlerts.create_id(self.team, identity), IdentityAlerts)
        assert found is not None
        return found

    def escalation(self, number: int) -> Escalation:
        found = self.app.get(Escalation.create_id(self.team, number), Escalation)
        assert found is not None
        return found


@pytest.fixture
def world() -> World:
    return World()


def test_a_badge_is_given_while_its_conditions_hold_and_removed_after(world: World) -> None:
    world.badge_rule()
    outcome = world.scored(12, T0)
    assert outcome is not None and [b["slug"] for b in outcome.added] == ["bot"]
    badge = world.alerts().badges["bot"]
    assert badge["type"] == "BAD" and badge["metadata"]["ruleVersion"] == 1 and "Humanity < 30" in badge["explanation"]
    outcome = world.scored(90, T0 + timedelta(minutes=1))
    assert outcome is not None and [b["slug"] for b in outcome.removed] == ["bot"]
    assert world.alerts().badges == {}


def test_an_apply_delay_waits_without_a_cycle_and_a_blip_resets_it(world: World) -> None:
    world.badge_rule(apply_delay=600)
    world.scored(12, T0)
    assert world.alerts().badges == {}
    assert world.alerts().due_at == to_micros(T0 + timedelta(seconds=600))
    world.scored(90, T0 + timedelta(seconds=300))  # stopped holding: the wait starts over
    world.scored(12, T0 + timedelta(seconds=400))
    assert world.scored(12, T0 + timedelta(seconds=700), cycle=False).added == []  # held only 300 s
    outcome = world.scored(12, T0 + timedelta(seconds=1000), cycle=False)  # the timer, no cycle
    assert [b["slug"] for b in outcome.added] == ["bot"]


def test_a_cycle_is_evaluated_once(world: World) -> None:
    world.channel()
    world.badge_rule()
    first = world.scored(12, T0)
    assert first is not None and {d.event for d in first.deliveries} == {"IDENTITY_SCORED", "IDENTITY_BADGES_CHANGED"}
    version = world.alerts().version
    again = world.evaluator.evaluate(
        world.team,
        Sighting(identity="u1", scores={"HUMANITY": 12}, cycle_id=world.cycle, scored_at=T0),
        T0 + timedelta(seconds=1),
    )
    assert again.evaluated_before and again.deliveries == [] and world.alerts().version == version
    assert [b["slug"] for b in again.badges] == ["bot"]  # what the first evaluation left


def test_an_escalation_opens_tells_the_rules_channels_and_closes_after_the_conditions_clear(world: World) -> None:
    world.channel("ops")
    world.channel("other")
    world.escalation_rule(channels=("ops",), close_after=3600)
    outcome = world.scored(12, T0)
    (escalation,) = outcome.escalations
    assert escalation.status == "OPEN" and escalation.scores["HUMANITY"] == 12
    opened = [d for d in outcome.deliveries if d.event == "ESCALATION_OPENED"]
    assert [d.channel for d in opened] == [1]  # only the channel the rule names
    assert opened[0].data["escalation"]["severity"] == "CRITICAL"
    assert world.scored(12, T0 + timedelta(minutes=5)).escalations == []  # one at a time per rule and identity
    world.scored(90, T0 + timedelta(minutes=10))
    assert world.escalation(escalation.number).status == "OPEN"  # not yet an hour
    outcome = world.scored(90, T0 + timedelta(minutes=71), cycle=False)
    assert world.escalation(escalation.number).status == "CLOSED"
    assert world.escalation(escalation.number).close_reason == "CONDITIONS_CLEARED"
    assert [d.event for d in outcome.deliveries] == ["ESCALATION_CLOSED"]
    again = world.scored(12, T0 + timedelta(minutes=80))
    assert [e.number for e in again.escalations] == [escalation.number + 1]  # holds again: a new one


def test_an_escalation_waits_as_pending_and_is_cancelled_if_the_conditions_clear_first(world: World) -> None:
    world.escalation_rule(open_after=600)
    (pending,) = world.scored(12, T0).escalations
    assert pending.status == "PENDING"
    world.scored(90, T0 + timedelta(seconds=100))
    assert world.escalation(pending.number).status == "CANCELLED"
    world.scored(12, T0 + timedelta(seconds=200))
    outcome = world.scored(12, T0 + timedelta(seconds=800), cycle=False)
    (opened,) = outcome.escalations
    assert opened.status == "OPEN" and opened.number == pending.number + 1


def test_an_escalation_rule_can_ask_for_a_badge_given_in_the_same_evaluation(world: World) -> None:
    world.badge_rule()
    world.escalation_rule(conditions=[{"condition": "BADGE_EXISTS", "badge": "bot"}])
    outcome = world.scored(12, T0)
    assert [e.status for e in outcome.escalations] == ["OPEN"] and outcome.escalations[0].badges == ["bot"]


def test_a_deleted_rule_takes_its_badge_away(world: World) -> None:
    rule = world.badge_rule()
    world.scored(12, T0)
    rule.delete(at=T0)
    world.app.save(rule, world.app.release_slug(world.team, "badge-rule", "bot"))
    world.book.forget(world.team)
    outcome = world.scored(12, T0 + timedelta(minutes=1), cycle=False)
    assert [b["slug"] for b in outcome.removed] == ["bot"] and world.alerts().badges == {}


def test_no_rules_and_no_channels_record_nothing(world: World) -> None:
    outcome = world.scored(12, T0)
    assert outcome is not None and outcome.deliveries == [] and outcome.badges == []
    assert world.app.get(IdentityAlerts.create_id(world.team, "u1"), IdentityAlerts) is None


def test_a_delivery_is_recorded_once_per_channel_and_trigger(world: World) -> None:
    world.channel(events=("IDENTITY_SCORED",))
    outcome = world.scored(50, T0)
    (delivery,) = outcome.deliveries
    assert delivery.id == Delivery.create_id(world.team, 1, f"cycle:{world.cycle}")
    assert delivery.data["identityId"] == "u1" and delivery.data["scores"]["HUMANITY"] == 50
