"""The whole response path on a live server, as an app uses it: rules and a webhook channel made through the
API, events sent with the official SDK, and signed requests arriving at the app's own server (a real receiver
on loopback) that both the SDK's verifier and `standardwebhooks` accept; the escalation worked with the SDK,
its close announced too. Both backends; in-process delivery (the embedded default) and no Redis."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
import standardwebhooks
from dregs.webhooks import verify

from tests.delivery_support import Receiver, receiver
from tests.support import LiveServer, Team, fresh_postgres_database, live_server, sign_up, wait_until


@pytest.fixture(scope="module")
def own_database() -> Iterator[str]:
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    # A database of its own: the suite's shared one holds other servers' pending deliveries, sealed under
    # their keys, which this server's delivery sweep would take up too.
    database_url = request.getfixturevalue("own_database") if request.param == "postgres" else None
    with live_server(database_url, webhooks_allow_private_networks=True) as live:
        yield live


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as r:
        yield r


def events_at(r: Receiver, secret: str, identity: str) -> list[dict[str, Any]]:
    """Every delivery for `identity` so far, each checked by both verifiers."""
    found = []
    for got in r.to("/hook"):
        event = verify(payload=got.body, signature=got.headers["X-Dregs-Signature"], secret=secret)
        assert standardwebhooks.Webhook(secret).verify(got.body, got.headers) == event
        if event["data"].get("identityId") == identity:
            found.append(event)
    return found


def of_kind(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["event"] == kind]


def setup_rules(team: Team, url: str, *, subscribe: list[str]) -> str:
    http = team.http
    r = http.post(
        "/api/channels", json={"name": "App hook", "type": "WEBHOOK", "config": {"url": url}, "events": subscribe}
    )
    assert r.status_code == 201, r.text
    secret = r.json()["signingSecret"]
    r = http.post(
        "/api/badge-rules",
        json={
            "name": "Fake data",
            "type": "BAD",
            "priority": 10,
            "conditions": [{"condition": "SCORE_LT", "category": "AUTHENTICITY", "threshold": 60}],
        },
    )
    assert r.status_code == 201, r.text
    r = http.post(
        "/api/escalation-rules",
        json={
            "name": "Fake sign-ups",
            "severity": "CRITICAL",
            "conditions": [{"condition": "BADGE_EXISTS", "badge": "fake-data"}],
            "channels": ["app-hook"],
        },
    )
    assert r.status_code == 201, r.text
    return secret


FAKE = {"email": "qwerty123@mailinator.com", "name": "asdf qwerty"}
REAL = {"email": "maria.garcia@gmail.com", "name": "Maria Garcia"}
EVERYTHING = ["IDENTITY_SCORED", "IDENTITY_BADGES_CHANGED", "ESCALATION_OPENED", "ESCALATION_CLOSED"]


def test_a_fake_sign_up_is_scored_badged_escalated_and_announced_with_signed_webhooks(
    server: LiveServer, hook: Receiver
) -> None:
    team = sign_up(server)
    secret = setup_rules(team, hook.url(), subscribe=EVERYTHING)
    client = team.sdk()
    client.track("signup", identity="fake-1", identity_data=FAKE)
    client.track("signup", identity="real-1", identity_data=REAL)

    # Deliveries go out side by side: they may arrive in any order.
    kinds = ("IDENTITY_SCORED", "IDENTITY_BADGES_CHANGED", "ESCALATION_OPENED")
    events = wait_until(
        lambda: (e := events_at(hook, secret, "fake-1")) and all(of_kind(e, k) for k in kinds) and e,
        30,
        "the fake sign-up's news to reach the app",
    )
    scored = of_kind(events, "IDENTITY_SCORED")[0]
    assert scored["data"]["scores"]["AUTHENTICITY"] < 60 and scored["data"]["lastScoredAt"].endswith("Z")
    (badged,) = of_kind(events, "IDENTITY_BADGES_CHANGED")
    assert [b["slug"] for b in badged["data"]["added"]] == ["fake-data"]
    (opened,) = of_kind(events, "ESCALATION_OPENED")
    assert opened["data"]["escalation"]["severity"] == "CRITICAL"
    assert opened["channelId"] and opened["deliveryId"] and opened["timestamp"].endswith("Z")

    # The real person is scored and announced, but neither badged nor escalated.
    wait_until(lambda: of_kind(events_at(hook, secret, "real-1"), "IDENTITY_SCORED"), 30, "real-1's scores")
    assert not of_kind(events_at(hook, secret, "real-1"), "ESCALATION_OPENED")
    assert [b.slug for b in client.identities.get("fake-1").badges] == ["fake-data"]
    assert [i.id for i in client.identities.list(badge="fake-data")] == ["fake-1"]

    # The escalation through the official SDK: listed, acknowledged, closed; the close is announced too.
    (escalation,) = list(client.escalations.list(identity="fake-1"))
    assert escalation.status == "OPEN" and escalation.severity == "CRITICAL"
    assert escalation.scores["AUTHENTICITY"] == scored["data"]["scores"]["AUTHENTICITY"]
    assert opened["data"]["escalation"]["id"] == escalation.id
    assert client.escalations.summary().open == 1
    assert client.escalations.update(escalation.id, status="acknowledged").acknowledged_at is not None
    assert client.escalations.update(escalation.id, status="closed").closed_at is not None
    closed = wait_until(
        lambda: of_kind(events_at(hook, secret, "fake-1"), "ESCALATION_CLOSED"), 30, "the close to be announced"
    )
    assert closed[0]["data"]["escalation"]["status"] == "CLOSED"

    # Every delivery is in the channel's log as DELIVERED, with its attempt.
    (channel,) = team.http.get("/api/channels").json()
    log = team.http.get(f"/api/channels/{channel['slug']}/deliveries", params={"pageSize": 100}).json()["content"]
    assert len(log) == len(hook.to("/hook"))
    assert {d["status"] for d in log} == {"DELIVERED"} and all(d["attempts"][0]["statusCode"] == 200 for d in log)


def test_a_new_rule_reaches_identities_scored_before_it_and_another_team_sees_none_of_it(
    server: LiveServer, hook: Receiver
) -> None:
    team, other = sign_up(server), sign_up(server)
    client = team.sdk()
    client.track("signup", identity="early", identity_data=FAKE)
    other.sdk().track("signup", identity="early", identity_data=FAKE)
    wait_until(lambda: client.identities.get("early").authenticity_score is not None, 30, "the first cycle")
    wait_until(lambda: other.sdk().identities.get("early").authenticity_score is not None, 30, "the other's cycle")
    secret = setup_rules(team, hook.url(), subscribe=["IDENTITY_BADGES_CHANGED", "ESCALATION_OPENED"])
    # No new event: the rule change itself is applied to the team's scored identities.
    wait_until(lambda: [b.slug for b in client.identities.get("early").badges] == ["fake-data"], 30, "the badge")
    wait_until(lambda: of_kind(events_at(hook, secret, "early"), "ESCALATION_OPENED"), 30, "the escalation")
    assert list(other.sdk().identities.get("early").badges) == []
    assert list(other.sdk().escalations.list()) == []
    assert other.http.get("/api/badge-rules/fake-data").status_code == 404
    # Only the channel's subscriptions were sent.
    assert {e["event"] for e in events_at(hook, secret, "early")} == {"IDENTITY_BADGES_CHANGED", "ESCALATION_OPENED"}
    assert all(json.loads(got.body)["channelId"] for got in hook.to("/hook"))
