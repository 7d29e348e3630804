"""The dashboard changes what it made (issue 15): a rule's name, severity or type, conditions and state from its
page, each change a new version the API shows and the activity log tells; a channel's name, events and destination
(left empty, it stays). Refusals keep the page with the API's message and status; a VIEWER reads and is refused.
SQLite and PostgreSQL."""

import httpx

from tests.e2e.test_dashboard import CSRF_COOKIE, _post, browser_session
from tests.support import LiveServer, Team, add_member


def _set(conditions: list[dict]) -> list[dict]:
    """Conditions as given: the API shows every field of each, null where the kind takes none."""
    return [{k: v for k, v in c.items() if v is not None} for c in conditions]


def _rule(team: Team, path: str, body: dict) -> dict:
    r = team.http.post(path, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_a_rule_is_changed_from_its_page_into_a_new_version(server: LiveServer, team: Team) -> None:
    low = [{"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 30},
           {"condition": "IDENTITY_AGE_GT", "seconds": 3600}]  # fmt: skip
    _rule(team, "/api/escalation-rules", {"name": "Bots", "severity": "WARNING", "conditions": low})
    http = browser_session(server, team.email)

    shown = http.get("/settings/rules/escalation/bots")
    assert shown.status_code == 200
    assert 'value="Bots"' in shown.text and '<option value="WARNING" selected>' in shown.text
    # Its two conditions fill the form's first rows, a third row is left to add one.
    assert (
        '<option value="SCORE_LT" selected>' in shown.text and 'name="value_0" maxlength="120" value="30"' in shown.text
    )
    assert '<option value="IDENTITY_AGE_GT" selected>' in shown.text and 'value="3600"' in shown.text
    assert 'name="kind_2"' in shown.text and 'name="kind_3"' not in shown.text
    assert 'id="preview"' in shown.text  # the live preview works on the change too

    changed = _post(
        http,
        "/settings/rules/escalation/bots",
        name="Likely bots",
        severity="CRITICAL",
        kind_0="SCORE_LT",
        category_0="HUMANITY",
        value_0="25",
        kind_1="BADGE_EXISTS",
        value_1="likely-bot",
    )  # fmt: skip  (unchecked: disabled)
    assert changed.status_code == 303 and changed.headers["location"] == "/settings/rules"
    rule = team.http.get("/api/escalation-rules/bots").json()
    assert (rule["name"], rule["severity"], rule["enabled"], rule["version"]) == ("Likely bots", "CRITICAL", False, 2)
    assert _set(rule["conditions"]) == [{"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 25},
                                  {"condition": "BADGE_EXISTS", "badge": "likely-bot"}]  # fmt: skip
    listed = http.get("/settings/rules").text
    assert 'href="/settings/rules/escalation/bots">Likely bots</a>' in listed and "has badge likely-bot" in listed

    again = _post(http, "/settings/rules/escalation/bots", name="Likely bots", severity="CRITICAL", enabled="on",
                  kind_0="SCORE_LT", category_0="HUMANITY", value_0="25")  # fmt: skip
    assert again.status_code == 303 and team.http.get("/api/escalation-rules/bots").json()["enabled"] is True

    # A refused change keeps the page and changes nothing.
    refused = _post(http, "/settings/rules/escalation/bots", name="Likely bots", severity="CRITICAL",
                    kind_0="SCORE_LT", category_0="HUMANITY", value_0="many")  # fmt: skip
    assert refused.status_code == 400 and "condition 1: a whole number is needed" in refused.text
    assert team.http.get("/api/escalation-rules/bots").json()["version"] == 3
    assert _post(http, "/settings/rules/escalation/nothing-here", name="x", kind_0="IDENTITY_AGE_GT",
                 value_0="1").status_code == 404  # fmt: skip
    assert http.get("/settings/rules/sometimes/bots").status_code == 404

    log = team.dashboard.get("/api/team/activity", params={"kind": "escalation_rule.changed"}).json()["content"]
    assert [(e["subject"], e["detail"]["version"]) for e in log][:2] == [("bots", 3), ("bots", 2)]


def test_a_badge_rule_keeps_what_the_page_does_not_show(server: LiveServer, team: Team) -> None:
    body = {"name": "Fresh", "type": "NEUTRAL", "priority": 7, "applyDelaySeconds": 60,
            "conditions": [{"condition": "IDENTITY_AGE_GT", "seconds": 60}]}  # fmt: skip
    _rule(team, "/api/badge-rules", body)
    http = browser_session(server, team.email)
    assert '<option value="NEUTRAL" selected>' in http.get("/settings/rules/badge/fresh").text
    assert _post(http, "/settings/rules/badge/fresh", name="Fresh", type="GOOD", enabled="on",
                 kind_0="IDENTITY_AGE_GT", value_0="120").status_code == 303  # fmt: skip
    rule = team.http.get("/api/badge-rules/fresh").json()
    assert (rule["type"], rule["priority"], rule["applyDelaySeconds"]) == ("GOOD", 7, 60)
    assert _set(rule["conditions"]) == [{"condition": "IDENTITY_AGE_GT", "seconds": 120}]
    # A badge rule takes no badge condition, as the API says.
    refused = _post(http, "/settings/rules/badge/fresh", name="Fresh", type="GOOD", kind_0="BADGE_EXISTS", value_0="x")
    assert refused.status_code == 400 and 'role="alert"' in refused.text


def test_a_channel_s_name_events_and_destination_change_from_its_page(server: LiveServer, team: Team) -> None:
    made = team.http.post("/api/channels", json={"name": "Ops mail", "type": "EMAIL",
                                                 "config": {"addresses": ["ops@example.com"]},
                                                 "events": ["ESCALATION_OPENED"]})  # fmt: skip
    assert made.status_code == 201, made.text
    http = browser_session(server, team.email)
    page = http.get("/settings/channels/ops-mail")
    assert page.status_code == 200 and "ops@example.com" in page.text and 'value="Ops mail"' in page.text

    def edit(**fields: object) -> httpx.Response:
        return http.post("/settings/channels/ops-mail/edit", data={**fields, "_csrf_token": http.cookies[CSRF_COOKIE]})

    r = edit(name="Ops inbox", destination="", events=["ESCALATION_OPENED", "ESCALATION_CLOSED"])
    assert r.status_code == 303 and r.headers["location"] == "/settings/channels/ops-mail"
    channel = team.http.get("/api/channels/ops-mail").json()
    assert channel["name"] == "Ops inbox" and channel["config"] == {"addresses": ["ops@example.com"]}  # kept
    assert sorted(channel["events"]) == ["ESCALATION_CLOSED", "ESCALATION_OPENED"]
    # Addresses no admin's address ends with (theirs are admin-<hex>@example.com): the log must not hold them.
    r = edit(
        name="Ops inbox", destination="first.ops@mail.example, second.ops@mail.example", events="ESCALATION_OPENED"
    )
    assert r.status_code == 303
    channel = team.http.get("/api/channels/ops-mail").json()
    assert channel["config"] == {"addresses": ["first.ops@mail.example", "second.ops@mail.example"]} and channel[
        "events"
    ] == ["ESCALATION_OPENED"]
    log = team.dashboard.get("/api/team/activity", params={"kind": "channel.changed"}).json()["content"]
    assert log[0]["detail"]["config"] == "changed" and "ops@mail.example" not in str(log)  # never the addresses

    refused = edit(name="Ops inbox", destination="not an address", events="ESCALATION_OPENED")
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    assert team.http.get("/api/channels/ops-mail").json()["config"] == {
        "addresses": ["first.ops@mail.example", "second.ops@mail.example"]
    }
    assert edit(name="x", events="ESCALATION_OPENED").status_code == 303
    assert http.post("/settings/channels/nothing/edit", data={"name": "x", "events": "ESCALATION_OPENED",
                     "_csrf_token": http.cookies[CSRF_COOKIE]}).status_code == 404  # fmt: skip


def test_a_viewer_reads_a_rule_and_a_channel_but_changes_neither(server: LiveServer, team: Team) -> None:
    _rule(team, "/api/escalation-rules", {"name": "Bots", "severity": "WARNING",
          "conditions": [{"condition": "IDENTITY_AGE_GT", "seconds": 1}]})  # fmt: skip
    team.http.post("/api/channels", json={"name": "Ops mail", "type": "EMAIL", "events": ["ESCALATION_OPENED"],
                                          "config": {"addresses": ["ops@example.com"]}})  # fmt: skip
    viewer = browser_session(server, add_member(server, team, "VIEWER"))
    rule = viewer.get("/settings/rules/escalation/bots")
    assert rule.status_code == 200 and "Bots" in rule.text and "<form" not in rule.text.split("</nav>", 2)[-1]
    channel = viewer.get("/settings/channels/ops-mail")
    assert channel.status_code == 200 and "Change it" not in channel.text
    assert _post(viewer, "/settings/rules/escalation/bots", name="Mine", kind_0="IDENTITY_AGE_GT",
                 value_0="1").status_code == 403  # fmt: skip
    assert _post(viewer, "/settings/channels/ops-mail/edit", name="Mine", events="ESCALATION_OPENED").status_code == 403
    assert team.http.get("/api/escalation-rules/bots").json()["name"] == "Bots"
    assert team.http.get("/api/channels/ops-mail").json()["name"] == "Ops mail"
