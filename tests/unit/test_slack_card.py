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
