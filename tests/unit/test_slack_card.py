"""A Slack card escapes what users wrote (`&`, `<`, `>` are markup in mrkdwn)."""

from hypothesis import given
from hypothesis import strategies as st

from adapters.alerting.slack import card, escape


@given(st.text())
def test_escaped_text_holds_no_markup(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


def test_a_card_shows_event_severity_identity_scores_badges_and_a_link() -> None:
    data = {
        "escalation": {"identityId": "a&b", "severity": "CRITICAL", "ruleName": "<@U123>", "scores": {"HUMANITY": 4}},
        "badges": [{"slug": "tor", "name": "Tor <exit>"}],
    }
    c = card("ESCALATION_OPENED", data, "https://dregs.example.com/")
    section = c["blocks"][1]["text"]["text"]
    assert "*Severity:* CRITICAL" in section and "&lt;@U123&gt;" in section
    assert "<https://dregs.example.com/identities/a%26b|a&amp;b>" in section
    fields = [f["text"] for f in c["blocks"][2]["fields"]]
    assert fields[0] == "*Humanity*\n4" and len(fields) == 4
    assert "Tor &lt;exit&gt;" in c["blocks"][3]["text"]["text"]
    assert c["text"] == "Escalation opened: a&amp;b"


def test_an_escalation_card_shows_what_the_evaluator_sends() -> None:
    from datetime import UTC, datetime
    from uuid import uuid4

    from adapters.alerting.slack import facts
    from domain.alerting import payloads
    from domain.alerting.escalation import Escalation

    escalation = Escalation(
        customer_id=uuid4(), number=3, identity="u<1>", rule_number=2, rule_slug="bots", rule_name="Bots & co",
        rule_version=1, severity="CRITICAL", conditions=[], channels=["ops"], scores={"HUMANITY": 12},
        badges=["bot"], cycle_id=7, opens_at=datetime.now(UTC), at=datetime.now(UTC),
    )  # fmt: skip
    shown = facts(payloads.escalation(escalation))
    assert shown["identity"] == "u<1>" and shown["severity"] == "CRITICAL" and shown["rule"] == "Bots & co"
    assert shown["scores"] == {"HUMANITY": 12} and shown["badges"] == ["bot"]
