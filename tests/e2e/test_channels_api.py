"""Channels through the API on a live server (SQLite and PostgreSQL): CRUD, slug clashes, refusals with
their messages, admin-only changes, isolation between teams, the test action's delivery in the log,
rotation, and a signing secret that is never shown again nor stored in the clear."""

from typing import Any

import httpx

from application.alerting import channels as commands
from domain.accounts.roles import Role
from domain.alerting.channel import Channel
from tests.support import PASSWORD, LiveServer, Team, member_session, sign_up

HOOK = {"name": "Ops hook", "type": "WEBHOOK", "config": {"url": "https://hooks.example.com/dregs"},
        "events": ["IDENTITY_SCORED", "ESCALATION_OPENED"]}  # fmt: skip
SLACK_URL = "https://hooks.slack.com/services/T0001/B0002/slackSECRETpart"


def _create(team: Team, body: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    r = team.http.post("/api/channels", json={**(body or HOOK), **changes})
    assert r.status_code == 201, r.text
    return r.json()


def _slugs(team: Team) -> list[str]:
    r = team.http.get("/api/channels")
    assert r.status_code == 200, r.text
    return [c["slug"] for c in r.json()]


def test_create_read_change_and_delete(team: Team) -> None:
    created = _create(team)
    assert isinstance(created["id"], int) and created["slug"] == "ops-hook" and created["type"] == "WEBHOOK"
    assert created["config"] == {"url": "https://hooks.example.com/dregs"}
    assert created["events"] == ["IDENTITY_SCORED", "ESCALATION_OPENED"] and created["enabled"] is True
    assert created["signingSecret"].startswith("whsec_")
    assert created["disabledReason"] is None and created["failingSince"] is None and created["lastSuccessAt"] is None
    shown = {k: v for k, v in created.items() if k != "signingSecret"}
    assert team.http.get("/api/channels/ops-hook").json() == shown
    assert team.http.get("/api/channels").json() == [shown]

    slack = _create(
        team, name="Alerts room", type="SLACK", config={"webhookUrl": SLACK_URL}, events=["ESCALATION_OPENED"]
    )
    assert slack["config"] == {"webhookUrl": "https://hooks.slack.com/services/T…/B…/****"}
    assert slack["signingSecret"] is None
    mail = _create(
        team, name="On call", type="email", config={"addresses": ["a@example.com", "A@example.com", "b@example.org"]},
        events=["escalation_opened"], enabled=False,
    )  # fmt: skip
    assert (mail["type"], mail["config"], mail["events"], mail["enabled"]) == (
        "EMAIL", {"addresses": ["a@example.com", "b@example.org"]}, ["ESCALATION_OPENED"], False
    )  # fmt: skip
    assert _slugs(team) == ["ops-hook", "alerts-room", "on-call"]

    r = team.http.patch("/api/channels/ops-hook", json={"name": "Renamed hook", "events": ["ESCALATION_CLOSED"]})
    assert r.status_code == 200, r.text
    changed = r.json()
    assert (changed["slug"], changed["name"], changed["events"]) == ("ops-hook", "Renamed hook", ["ESCALATION_CLOSED"])
    assert changed["config"] == created["config"] and changed["updatedAt"] >= created["updatedAt"]
    assert team.http.get("/api/channels/ops-hook").json() == changed
    r = team.http.patch("/api/channels/on-call", json={"enabled": True, "config": {"addresses": ["c@example.com"]}})
    assert (
        r.status_code == 200 and r.json()["enabled"] is True and r.json()["config"] == {"addresses": ["c@example.com"]}
    )
    assert team.http.patch("/api/channels/on-call", json={}).json() == r.json()

    assert team.http.delete("/api/channels/ops-hook").status_code == 204
    assert team.http.get("/api/channels/ops-hook").status_code == 404
    assert team.http.delete("/api/channels/ops-hook").status_code == 404
    assert team.http.patch("/api/channels/ops-hook", json={"name": "x"}).status_code == 404
    assert _slugs(team) == ["alerts-room", "on-call"]
    again = _create(team)  # the slug was freed
    assert again["slug"] == "ops-hook" and again["id"] != created["id"]


def test_a_slug_clash_is_409_and_stores_nothing(team: Team) -> None:
    _create(team)
    for name in ("Ops hook", "ops-HOOK", "Ops  hook!"):
        r = team.http.post("/api/channels", json={**HOOK, "name": name})
        assert r.status_code == 409 and "exists already" in r.json()["message"], r.text
    assert _slugs(team) == ["ops-hook"]
    assert team.http.get("/api/channels/ops-hook").json()["name"] == "Ops hook"


def test_bad_input_is_400_with_a_message_and_stores_nothing(team: Team) -> None:
    refused = [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"type": "SMS"}, "type"),
        ({"events": []}, "events"),
        ({"events": ["IDENTITY_SCORED", "NOPE"]}, "events"),
        ({"config": {}}, "needs config.url"),
        ({"config": {"url": "https://hooks.example.com/x", "secret": "x"}}, "secret"),
        ({"config": {"addresses": ["a@example.com"]}}, "takes only url"),
        ({"config": {"url": "http://hooks.example.com/x"}}, "must use https"),
        ({"config": {"url": "https://127.0.0.1/x"}}, "private, loopback"),
        ({"config": {"url": "https://0x7f000001/x"}}, "private, loopback"),
        ({"config": {"url": "https://[::ffff:169.254.169.254]/x"}}, "private, loopback"),
        ({"config": {"url": "https://localhost:8443/x"}}, "local host name"),
        ({"config": {"url": "https://user:pw@hooks.example.com/x"}}, "user name or password"),
        ({"config": {"url": "ftp://hooks.example.com/x"}}, "config.url"),
        ({"config": {"url": "https://hooks.example.com/" + "a" * 2000}}, "config.url"),
        ({"type": "EMAIL", "config": {"addresses": []}}, "addresses"),
        ({"type": "EMAIL", "config": {"addresses": ["not-an-address"]}}, "not a valid email address"),
        ({"type": "EMAIL", "config": {"addresses": [f"a{i}@example.com" for i in range(21)]}}, "addresses"),
        ({"type": "SLACK", "config": {"webhookUrl": "https://10.1.2.3/services/x"}}, "private, loopback"),
        ({"enabled": "yes"}, "enabled"),
        ({"signingSecret": "whsec_mine"}, "signingSecret"),
    ]
    for change, expected in refused:
        r = team.http.post("/api/channels", json={**HOOK, **change})
        assert r.status_code == 400, (change, r.text)
        assert expected in r.json()["message"], (change, r.json()["message"])
    r = team.http.post(
        "/api/channels", content=b'{"name": "a", "name": "b"}', headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["message"]
    assert _slugs(team) == []

    created = _create(team)
    for change, expected in (
        ({"config": {"url": "https://192.168.0.1/x"}}, "private, loopback"),
        ({"config": {"webhookUrl": SLACK_URL}}, "takes only url"),
        ({"type": "SLACK"}, "type"),
        ({"events": []}, "events"),
        ({"name": "   "}, "name"),
    ):
        r = team.http.patch("/api/channels/ops-hook", json=change)
        assert r.status_code == 400 and expected in r.json()["message"], (change, r.text)
    # The test delivery itself may have been tried meanwhile (and failed: its host is not real).
    tried = {"signingSecret", "failingSince", "lastSuccessAt", "updatedAt"}
    shown = {k: v for k, v in created.items() if k not in tried}
    assert {k: v for k, v in team.http.get("/api/channels/ops-hook").json().items() if k not in tried} == shown
    r = team.http.post("/api/channels/ops-hook/actions/test")
    assert r.status_code == 202
    r = team.http.get("/api/channels/ops-hook/deliveries", params={"status": "LOST"})
    assert r.status_code == 400 and "PENDING, DELIVERED or FAILED" in r.json()["message"]
    r = team.http.get("/api/channels/ops-hook/deliveries", params={"sort": "attempt"})
    assert r.status_code == 400 and "cannot sort by" in r.json()["message"]


def test_a_slack_channel_on_another_host_than_slacks_is_400(team: Team) -> None:
    elsewhere = "https://chat.example.com/services/T0001/B0002/slackSECRETpart"
    slack = {**HOOK, "name": "Room", "type": "SLACK", "config": {"webhookUrl": elsewhere}}
    r = team.http.post("/api/channels", json=slack)
    assert r.status_code == 400, r.text
    assert r.json()["message"] == (
        "config.webhookUrl must be a Slack incoming-webhook URL, https://hooks.slack.com/services/…, "
        "as Slack shows it when the webhook is added"
    )
    assert _slugs(team) == []
    _create(team, slack, config={"webhookUrl": SLACK_URL})
    r = team.http.patch("/api/channels/room", json={"config": {"webhookUrl": elsewhere}})
    assert r.status_code == 400 and "Slack incoming-webhook URL" in r.json()["message"], r.text


def test_changes_are_admin_only(server: LiveServer, team: Team) -> None:
    _create(team)
    with member_session(server, team, Role.USER.value) as member:
        assert member.get("/api/channels").status_code == 200
        assert member.get("/api/channels/ops-hook").status_code == 200
        assert member.get("/api/channels/ops-hook/deliveries").status_code == 200
        for method, path, body in (
            ("POST", "/api/channels", {**HOOK, "name": "Mine"}),
            ("PATCH", "/api/channels/ops-hook", {"name": "Mine"}),
            ("DELETE", "/api/channels/ops-hook", None),
            ("POST", "/api/channels/ops-hook/actions/test", None),
            ("POST", "/api/channels/ops-hook/actions/rotate-secret", None),
        ):
            r = member.request(method, path, json=body)
            assert r.status_code == 403 and r.json()["message"] == "Only an admin can do this", (method, path, r.text)
    r = httpx.get(server.base_url + "/api/channels", headers={"Authorization": f"Bearer {team.public_key}"})
    assert r.status_code == 403
    assert httpx.get(server.base_url + "/api/channels").status_code == 401
    assert _slugs(team) == ["ops-hook"]
    assert team.http.get("/api/channels/ops-hook").json()["name"] == "Ops hook"
    assert team.http.get("/api/channels/ops-hook/deliveries").json()["content"] == []


def test_another_team_sees_and_changes_nothing(server: LiveServer, team: Team) -> None:
    created = _create(team)
    team.http.post("/api/channels/ops-hook/actions/test")
    other = sign_up(server)
    assert _slugs(other) == []
    for method, path, body in (
        ("GET", "/api/channels/ops-hook", None),
        ("GET", "/api/channels/ops-hook/deliveries", None),
        ("PATCH", "/api/channels/ops-hook", {"name": "Taken"}),
        ("DELETE", "/api/channels/ops-hook", None),
        ("POST", "/api/channels/ops-hook/actions/test", None),
        ("POST", "/api/channels/ops-hook/actions/rotate-secret", None),
    ):
        r = other.http.request(method, path, json=body)
        assert r.status_code == 404 and r.json()["message"] == "Channel not found", (method, path, r.text)
    # Slugs are per team: the other team may hold the same one.
    assert _create(other)["slug"] == "ops-hook"
    # The test delivery itself may have been tried meanwhile (and failed: its host is not real).
    tried = {"signingSecret", "failingSince", "lastSuccessAt", "updatedAt"}
    shown = {k: v for k, v in created.items() if k not in tried}
    assert {k: v for k, v in team.http.get("/api/channels/ops-hook").json().items() if k not in tried} == shown
    assert team.http.get("/api/channels/ops-hook/deliveries").json()["totalElements"] == 1
    assert other.http.get("/api/channels/ops-hook/deliveries").json()["totalElements"] == 0


def test_the_test_action_records_a_pending_delivery_in_the_log(team: Team) -> None:
    _create(team)
    r = team.http.post("/api/channels/ops-hook/actions/test")
    assert r.status_code == 202, r.text
    sent = r.json()
    assert (sent["event"], sent["status"], sent["attempt"], sent["attempts"]) == ("TEST", "PENDING", 0, [])
    assert sent["trigger"].startswith("test:") and sent["identity"] is None and sent["deliveredAt"] is None
    assert sent["statusCode"] is None and sent["error"] is None and sent["nextAttemptAt"] is not None
    second = team.http.post("/api/channels/ops-hook/actions/test").json()
    log = team.http.get("/api/channels/ops-hook/deliveries").json()
    assert [d["id"] for d in log["content"]] == [second["id"], sent["id"]]  # newest first
    # The worker tries it at once: its host does not resolve, so the first attempt fails and a retry waits.
    logged = log["content"][1]
    assert {k: logged[k] for k in ("id", "event", "trigger", "identity", "createdAt")} == {
        k: sent[k] for k in ("id", "event", "trigger", "identity", "createdAt")
    }
    assert logged["status"] == "PENDING" and logged["deliveredAt"] is None
    assert (log["totalElements"], log["first"], log["last"]) == (2, True, True)
    paged = team.http.get("/api/channels/ops-hook/deliveries", params={"pageSize": 1, "pageNumber": 1}).json()
    assert [d["id"] for d in paged["content"]] == [sent["id"]] and paged["totalPages"] == 2
    assert team.http.get("/api/channels/ops-hook/deliveries", params={"status": "pending"}).json()["totalElements"] == 2
    assert team.http.get("/api/channels/ops-hook/deliveries", params={"status": "DELIVERED"}).json()["content"] == []


def test_rotation_and_a_secret_never_shown_again(server: LiveServer, team: Team) -> None:
    created = _create(team)
    first = created["signingSecret"]
    slack = _create(team, name="Room", type="SLACK", config={"webhookUrl": SLACK_URL}, events=["ESCALATION_OPENED"])
    r = team.http.post("/api/channels/ops-hook/actions/rotate-secret")
    assert r.status_code == 200, r.text
    rotated = r.json()
    second = rotated["signingSecret"]
    assert second.startswith("whsec_") and second != first and rotated["slug"] == "ops-hook"
    r = team.http.post("/api/channels/room/actions/rotate-secret")
    assert r.status_code == 400 and "only a WEBHOOK channel" in r.json()["message"]

    alerting, box = server.container.alerting, server.container.secret_box
    customer = server.container.accounts.log_in(team.email, PASSWORD).customer_id
    channel = alerting.get(Channel.create_id(customer, created["id"]), Channel)
    assert commands.signing_secrets(alerting, box, channel) == [second, first]  # the grace period
    assert commands.slack_url(box, alerting.get(Channel.create_id(customer, slack["id"]), Channel)) == SLACK_URL

    answers = [
        team.http.get("/api/channels"),
        team.http.get("/api/channels/ops-hook"),
        team.http.patch("/api/channels/ops-hook", json={"name": "Renamed"}),
        team.http.patch("/api/channels/room", json={"config": {"webhookUrl": SLACK_URL}}),
        team.http.post("/api/channels/ops-hook/actions/test"),
        team.http.get("/api/channels/ops-hook/deliveries"),
        team.http.get("/api/channels/room"),
    ]
    ciphertexts = [channel.sealed["signingSecret"], channel.sealed["previousSigningSecret"]]
    for answer in answers:
        assert answer.status_code < 300, answer.text
        for hidden in (first, second, SLACK_URL, "slackSECRETpart", *ciphertexts):
            assert hidden not in answer.text, (answer.request.url, hidden)
    assert "ops-hook" in answers[1].text  # the check can see what an answer holds

    # The event store holds them sealed only.
    rows = b"".join(n.state for n in alerting.recorder.select_notifications(start=1, limit=10_000))
    assert b"Renamed" in rows and ciphertexts[0].encode() in rows
    for hidden in (first, second, SLACK_URL, "slackSECRETpart"):
        assert hidden.encode() not in rows
