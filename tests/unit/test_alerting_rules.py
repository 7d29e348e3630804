"""Badge and escalation rule commands and a person's escalation moves, on the Alerting application with
its in-memory store: every field checked with a message, slugs fixed at creation, one live rule a slug,
and a move saved with the identity's watch."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from application.alerting.application import AlertingApplication, NotFound
from application.alerting.escalations import move
from application.alerting.rules import (
    change_badge_rule,
    change_escalation_rule,
    create_badge_rule,
    create_escalation_rule,
    delete_badge_rule,
    delete_escalation_rule,
)
from domain.alerting.channel import Channel
from domain.alerting.escalation import Escalation
from domain.alerting.identity_alerts import IdentityAlerts
from domain.alerting.rules import BadgeRule, EscalationRule
from domain.errors import Conflict, InvalidInput

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
LOW_HUMANITY = [{"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 30}]


@pytest.fixture
def app() -> AlertingApplication:
    return AlertingApplication(env={}, clock=lambda: NOW)


def _badge(**fields: Any) -> dict[str, Any]:
    return {"name": "Likely Bot", "type": "BAD", "conditions": LOW_HUMANITY, **fields}


def _escalation(**fields: Any) -> dict[str, Any]:
    return {"name": "Bots", "severity": "CRITICAL", "conditions": LOW_HUMANITY, **fields}


def _channel(app: AlertingApplication, customer: UUID, slug: str) -> Channel:
    def make(number: int) -> Channel:
        return Channel(
            customer_id=customer,
            number=number,
            slug=slug,
            name=slug,
            type="WEBHOOK",
            config={"url": "https://hooks.example.com"},
            sealed={},
            events=["ESCALATION_OPENED"],
            enabled=True,
            at=NOW,
        )

    return app.create_named(customer, "channel", slug, make)


def test_a_badge_rule_takes_defaults_and_a_slug_from_its_name(app: AlertingApplication) -> None:
    customer = uuid4()
    rule = create_badge_rule(app, customer, _badge(name="  Likely Bot!  "))
    assert (rule.number, rule.slug, rule.name, rule.version) == (1, "likely-bot", "Likely Bot!", 1)
    assert (rule.priority, rule.apply_delay_seconds, rule.remove_delay_seconds, rule.enabled) == (0, 0, 0, True)
    assert rule.conditions == [
        {"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 30, "badge": None, "seconds": None}
    ]
    assert create_badge_rule(app, customer, _badge(name="Trusted", type="GOOD")).number == 2
    assert create_badge_rule(app, uuid4(), _badge()).number == 1  # numbers and slugs are per team


def test_a_slug_is_held_by_one_live_rule_and_freed_by_its_deletion(app: AlertingApplication) -> None:
    customer = uuid4()
    create_badge_rule(app, customer, _badge())
    with pytest.raises(Conflict, match="likely-bot"):
        create_badge_rule(app, customer, _badge(name="likely   BOT"))
    create_escalation_rule(app, customer, _escalation(name="Likely Bot"))  # another kind: its own slugs
    delete_badge_rule(app, customer, "likely-bot")
    with pytest.raises(NotFound):
        app.by_slug(customer, "badge-rule", "likely-bot", BadgeRule)
    with pytest.raises(NotFound):
        delete_badge_rule(app, customer, "likely-bot")
    again = create_badge_rule(app, customer, _badge())
    assert again.number == 2 and again.slug == "likely-bot"  # a deleted rule's number is never reused
    assert app.get(BadgeRule.create_id(customer, 1), BadgeRule).deleted  # type: ignore[union-attr]


def test_a_change_keeps_the_slug_and_records_only_what_differs(app: AlertingApplication) -> None:
    customer = uuid4()
    create_badge_rule(app, customer, _badge())
    create_badge_rule(app, customer, _badge(name="Trusted", type="GOOD"))
    rule = change_badge_rule(app, customer, "likely-bot", {"name": "Trusted", "priority": -3})
    assert (rule.slug, rule.name, rule.priority, rule.version) == ("likely-bot", "Trusted", -3, 2)
    same = change_badge_rule(app, customer, "likely-bot", {"name": "Trusted", "enabled": True})
    assert same.version == 2  # nothing differed: no new rule version
    with pytest.raises(NotFound):
        change_badge_rule(app, customer, "trusted-2", {"priority": 1})
    with pytest.raises(NotFound):
        change_badge_rule(app, uuid4(), "likely-bot", {"priority": 1})  # another team's


BADGE_REFUSALS = [
    ({"name": ""}, "name must be a non-empty string"),
    ({"name": "   "}, "name must be a non-empty string"),
    ({"name": 7}, "name must be a non-empty string"),
    ({"name": "x" * 51}, "at most 50 characters"),
    ({"name": "!!!"}, "at least one letter A-Z or digit"),
    ({"name": "日本"}, "at least one letter A-Z or digit"),
    ({"name": "bad\x00name"}, "NUL"),
    ({"type": "EVIL"}, "type must be one of GOOD, BAD, NEUTRAL"),
    ({"type": "bad"}, "type must be one of GOOD, BAD, NEUTRAL"),
    ({"priority": 1_000_001}, "priority must be an integer from -1000000 to 1000000"),
    ({"priority": True}, "priority must be an integer"),
    ({"priority": 1.5}, "priority must be an integer"),
    ({"apply_delay_seconds": -1}, "applyDelaySeconds must be an integer from 0 to 31536000"),
    ({"remove_delay_seconds": 31_536_001}, "removeDelaySeconds must be an integer from 0"),
    ({"remove_delay_seconds": None}, "removeDelaySeconds must be an integer"),
    ({"enabled": "yes"}, "enabled must be true or false"),
    ({"conditions": []}, "conditions must be a non-empty list"),
    ({"conditions": "SCORE_LT"}, "conditions must be a non-empty list"),
    ({"conditions": [{"condition": "SCORE_LT"}] * 21}, "at most 20 entries"),
    ({"conditions": [7]}, "conditions[0] must be an object"),
    ({"conditions": [{"condition": "BADGE_EXISTS", "badge": "vip"}]}, "BADGE_EXISTS is not allowed here"),
    ({"conditions": [{"condition": "IDENTITY_AGE_LT", "seconds": 5}]}, "IDENTITY_AGE_LT is not allowed here"),
    ({"conditions": [{"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 101}]}, "threshold must be"),
    ({"conditions": [{"condition": "SCORE_LT", "category": "humanity", "threshold": 5}]}, "category must be"),
    ({"conditions": [{"condition": "SCORE_LT", "category": "ANY"}]}, "conditions[0]: threshold must be an integer"),
    ({"conditions": [{"condition": "IDENTITY_AGE_GT", "seconds": -1}]}, "seconds must be from 0"),
    ({"conditions": [{"condition": "NOPE"}]}, "conditions[0]: condition must be one of"),
    ({"color": "red"}, "unknown field 'color'"),
]


@pytest.mark.parametrize(("fields", "message"), BADGE_REFUSALS)
def test_every_refused_badge_rule_field_says_why(app: AlertingApplication, fields: dict, message: str) -> None:
    customer = uuid4()
    with pytest.raises(InvalidInput, match=re.escape(message)):
        create_badge_rule(app, customer, _badge(**fields))
    create_badge_rule(app, customer, _badge(name="Kept"))
    with pytest.raises(InvalidInput, match=re.escape(message)):
        change_badge_rule(app, customer, "kept", fields)
    assert app.by_slug(customer, "badge-rule", "kept", BadgeRule).version == 1  # nothing changed


def test_required_fields_are_named(app: AlertingApplication) -> None:
    for missing in ("name", "type", "conditions"):
        fields = _badge()
        del fields[missing]
        with pytest.raises(InvalidInput, match=f"{missing} is required"):
            create_badge_rule(app, uuid4(), fields)
    with pytest.raises(InvalidInput, match="severity is required"):
        create_escalation_rule(app, uuid4(), {"name": "x", "conditions": LOW_HUMANITY})
    create_badge_rule(app, customer := uuid4(), _badge())
    with pytest.raises(InvalidInput, match="at least one field"):
        change_badge_rule(app, customer, "likely-bot", {})


ESCALATION_REFUSALS = [
    ({"name": "x" * 101}, "at most 100 characters"),
    ({"severity": "HIGH"}, "severity must be one of INFO, WARNING, CRITICAL"),
    ({"conditions": [{"condition": "BADGE_EXISTS"}]}, "conditions[0]: badge must be a badge slug"),
    ({"conditions": [{"condition": "BADGE_EXISTS", "badge": "  "}]}, "badge must be a badge slug"),
    ({"conditions": [{"condition": "BADGE_EXISTS", "badge": "x" * 121}]}, "badge must be a badge slug"),
    ({"conditions": [{"condition": "BADGE_NOT_EXISTS", "badge": "a\ud800"}]}, "conditions[0].badge must not contain"),
    ({"channels": ["nope"]}, "channels[0]: the team has no channel 'nope'"),
    ({"channels": ["alerts", "gone"]}, "channels[1]: the team has no channel 'gone'"),
    ({"channels": "alerts"}, "channels must be a list of channel slugs"),
    ({"channels": [""]}, "channels[0] must be a channel slug"),
    ({"channels": [5]}, "channels[0] must be a channel slug"),
    ({"channels": ["alerts"] * 21}, "at most 20 channels"),
    ({"effective_at": "yesterday"}, "effectiveAt must be an ISO-8601 instant"),
    ({"effective_at": 1700000000}, "effectiveAt must be an ISO-8601 instant"),
    ({"effective_at": "0001-01-01T00:00:00Z"}, "effectiveAt must be between 1970-01-01 and 9999-12-31"),
    ({"open_after_seconds": -5}, "openAfterSeconds must be an integer"),
    ({"open_after_seconds": None}, "openAfterSeconds must be an integer"),
    ({"close_after_seconds": "60"}, "closeAfterSeconds must be an integer"),
]


@pytest.mark.parametrize(("fields", "message"), ESCALATION_REFUSALS)
def test_every_refused_escalation_rule_field_says_why(app: AlertingApplication, fields: dict, message: str) -> None:
    customer = uuid4()
    _channel(app, customer, "alerts")
    gone = _channel(app, customer, "gone")
    gone.delete(at=NOW)
    app.save(gone, app.release_slug(customer, "channel", "gone"))
    with pytest.raises(InvalidInput, match=re.escape(message)):
        create_escalation_rule(app, customer, _escalation(**fields))
    create_escalation_rule(app, customer, _escalation(name="Kept"))
    with pytest.raises(InvalidInput, match=re.escape(message)):
        change_escalation_rule(app, customer, "kept", fields)
    assert app.by_slug(customer, "escalation-rule", "kept", EscalationRule).version == 1


def test_an_escalation_rule_keeps_its_channels_once_each_and_its_times(app: AlertingApplication) -> None:
    customer = uuid4()
    _channel(app, customer, "ops")
    _channel(app, customer, "slack")
    _channel(app, uuid4(), "theirs")
    with pytest.raises(InvalidInput, match="no channel 'theirs'"):
        create_escalation_rule(app, customer, _escalation(channels=["theirs"]))
    rule = create_escalation_rule(
        app,
        customer,
        _escalation(
            channels=["slack", "ops", "slack"],
            effective_at="2026-12-01T10:00:00+02:00",
            open_after_seconds=60,
            close_after_seconds=3600,
            conditions=[
                {"condition": "BADGE_EXISTS", "badge": " likely-bot "},
                {"condition": "IDENTITY_AGE_LT", "seconds": 86400},
            ],
        ),
    )
    assert rule.channels == ["slack", "ops"]
    assert rule.effective_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert (rule.open_after_seconds, rule.close_after_seconds, rule.severity) == (60, 3600, "CRITICAL")
    assert rule.conditions[0]["badge"] == "likely-bot"
    plain = create_escalation_rule(app, customer, _escalation(name="Plain"))
    assert (plain.channels, plain.effective_at, plain.open_after_seconds, plain.close_after_seconds) == (
        [],
        NOW,
        0,
        None,
    )
    changed = change_escalation_rule(app, customer, "bots", {"close_after_seconds": None, "channels": []})
    assert (changed.close_after_seconds, changed.channels, changed.version) == (None, [], 2)
    delete_escalation_rule(app, customer, "bots")
    with pytest.raises(NotFound):
        change_escalation_rule(app, customer, "bots", {"enabled": False})


# --- escalation moves ---------------------------------------------------------------------------


def _open_escalation(app: AlertingApplication, customer: UUID, identity: str, *, holding: bool = True) -> Escalation:
    number = app.escalation_numbers.claim(customer)
    escalation = Escalation(
        customer_id=customer,
        number=number,
        identity=identity,
        rule_number=3,
        rule_slug="bots",
        rule_name="Bots",
        rule_version=1,
        severity="CRITICAL",
        conditions=LOW_HUMANITY,
        channels=[],
        scores={"HUMANITY": 12},
        badges=[],
        cycle_id=1,
        opens_at=NOW,
        at=NOW,
    )
    escalation.open(scores={"HUMANITY": 12}, badges=["likely-bot"], cycle_id=1, at=NOW)
    alerts = IdentityAlerts(customer_id=customer, identity=identity)
    watch = {"holding": holding, "since": 5, "escalation": number, "status": "OPEN", "suppressed": False}
    alerts.record(badge_standings={}, watches={"3": watch}, cycle_id=1, due_at=777, at=NOW)
    app.save(escalation, alerts)
    return escalation


def _watch(app: AlertingApplication, customer: UUID, identity: str) -> tuple[dict[str, Any], int | None]:
    alerts = app.get(IdentityAlerts.create_id(customer, identity), IdentityAlerts)
    assert alerts is not None
    return alerts.watch(3), alerts.due_at


def test_acknowledging_then_closing_moves_the_watch_with_the_escalation(app: AlertingApplication) -> None:
    customer = uuid4()
    escalation = _open_escalation(app, customer, "u1")
    acknowledged, position = move(app, customer, escalation.number, "ACKNOWLEDGED", "ada@example.com")
    assert acknowledged.status == "ACKNOWLEDGED" and position > 0
    assert (acknowledged.acknowledged_by, acknowledged.acknowledged_at) == ("ada@example.com", NOW)
    watch, due_at = _watch(app, customer, "u1")
    assert watch["status"] == "ACKNOWLEDGED" and watch["escalation"] == escalation.number and due_at == 777
    with pytest.raises(InvalidInput, match="only an OPEN escalation can be acknowledged; this one is ACKNOWLEDGED"):
        move(app, customer, escalation.number, "ACKNOWLEDGED", "ada@example.com")
    closed, later = move(app, customer, escalation.number, "CLOSED", "api:server")
    assert closed.status == "CLOSED" and (closed.closed_by, closed.close_reason) == ("api:server", "CLOSED_BY_USER")
    assert later > position
    watch, due_at = _watch(app, customer, "u1")
    # Closed while the conditions still hold: no new escalation until they stop holding and hold again.
    assert (watch["escalation"], watch["status"], watch["suppressed"], watch["holding"]) == (None, None, True, True)
    assert due_at == 777
    for status, message in (
        ("CLOSED", "only an OPEN or ACKNOWLEDGED escalation can be closed; this one is CLOSED"),
        ("OPEN", "cannot be moved back to OPEN"),
        ("PENDING", "status must be ACKNOWLEDGED or CLOSED"),
    ):
        with pytest.raises(InvalidInput, match=message):
            move(app, customer, escalation.number, status, "x")


def test_closing_an_escalation_whose_conditions_stopped_holding_leaves_it_unsuppressed(
    app: AlertingApplication,
) -> None:
    customer = uuid4()
    escalation = _open_escalation(app, customer, "u2", holding=False)
    move(app, customer, escalation.number, "CLOSED", "ada@example.com")
    watch, _ = _watch(app, customer, "u2")
    assert (watch["escalation"], watch["suppressed"]) == (None, False)


def test_a_move_finds_only_the_teams_own_escalations(app: AlertingApplication) -> None:
    customer = uuid4()
    escalation = _open_escalation(app, customer, "u3")
    with pytest.raises(NotFound):
        move(app, uuid4(), escalation.number, "CLOSED", "x")
    with pytest.raises(NotFound):
        move(app, customer, escalation.number + 1, "CLOSED", "x")
    # An escalation without a watch for it (the evaluator moved on) is moved alone.
    other = _open_escalation(app, customer, "u4")
    alerts = app.get(IdentityAlerts.create_id(customer, "u4"), IdentityAlerts)
    assert alerts is not None
    alerts.record(badge_standings={}, watches={"3": None}, cycle_id=None, due_at=None, at=NOW + timedelta(seconds=1))
    app.save(alerts)
    assert move(app, customer, other.number, "ACKNOWLEDGED", "x")[0].status == "ACKNOWLEDGED"
    assert _watch(app, customer, "u4")[0]["escalation"] is None


def test_no_escalation_rule_takes_the_previews_slug(app: AlertingApplication) -> None:
    with pytest.raises(InvalidInput, match="'preview', which the API keeps for itself"):
        create_escalation_rule(app, uuid4(), _escalation(name=" Preview "))
    assert create_badge_rule(app, uuid4(), _badge(name="Preview")).slug == "preview"  # badge rules have no such route
