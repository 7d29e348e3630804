"""Escalations through the official SDK on a live server (SQLite and PostgreSQL), contract §10:
list with its filters, summary, get by integer id, and a person's moves. The tests record escalations (and
the identity's watch) in the Alerting store directly, exactly as they want them; so that the evaluator never
touches those identities, this module's server scores nothing by itself (a new identity is not scored at once,
the window is an hour, and a rule change only reaches scored identities). tests/e2e/test_alerting_flow.py has
escalations the evaluator opens."""

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest
from dregs import BadRequestError, NotFoundError

from domain.alerting.escalation import Escalation
from domain.alerting.identity_alerts import IdentityAlerts
from tests.e2e.test_alerting_rules_api import LOW_HUMANITY, customer_of
from tests.support import LiveServer, Team, fresh_postgres_database, live_server, sign_up


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    with (
        fresh_postgres_database() if request.param == "postgres" else contextlib.nullcontext() as database_url,
        live_server(database_url, scoring_coalesce_seconds=3600.0, scoring_new_identities_at_once=False) as live,
    ):
        yield live


def record_escalation(
    server: LiveServer, customer: UUID, identity: str, rule: dict[str, Any], severity: str, *, opened: bool = True
) -> int:
    app = server.container.alerting
    number = app.escalation_numbers.claim(customer)
    now = datetime.now(UTC)
    escalation = Escalation(
        customer_id=customer,
        number=number,
        identity=identity,
        rule_number=rule["id"],
        rule_slug=rule["slug"],
        rule_name=rule["name"],
        rule_version=rule["version"],
        severity=severity,
        conditions=LOW_HUMANITY,
        channels=[],
        scores={"HUMANITY": 20, "BEHAVIOR": 70},
        badges=[],
        cycle_id=1,
        opens_at=now,
        at=now,
    )
    if opened:
        escalation.open(scores={"HUMANITY": 12, "BEHAVIOR": 70}, badges=["likely-bot"], cycle_id=2, at=now)
    alerts = app.get(IdentityAlerts.create_id(customer, identity), IdentityAlerts) or IdentityAlerts(
        customer_id=customer, identity=identity
    )
    watch = {"holding": True, "since": 1, "escalation": number, "status": escalation.status, "suppressed": False}
    alerts.record(badge_standings={}, watches={str(rule["id"]): watch}, cycle_id=2, due_at=None, at=now)
    app.save(escalation, alerts)
    return number


def _rule(team: Team, name: str) -> dict[str, Any]:
    r = team.http.post("/api/escalation-rules", json={"name": name, "severity": "CRITICAL", "conditions": LOW_HUMANITY})
    assert r.status_code == 201, r.text
    return r.json()


def _watch(server: LiveServer, customer: UUID, identity: str, rule: int) -> dict[str, Any]:
    alerts = server.container.alerting.get(IdentityAlerts.create_id(customer, identity), IdentityAlerts)
    assert alerts is not None
    return alerts.watch(rule)


def test_the_sdk_lists_filters_gets_and_moves_escalations(server: LiveServer, team: Team) -> None:
    client = team.sdk()
    client.track("signup", identity="u1", identity_data={"name": "Una One"})
    customer = customer_of(server, team)
    bots, aged = _rule(team, "Bots"), _rule(team, "Aged")
    first = record_escalation(server, customer, "u1", bots, "CRITICAL")
    second = record_escalation(server, customer, "u/2", bots, "WARNING")
    third = record_escalation(server, customer, "u3", aged, "INFO")
    pending = record_escalation(server, customer, "u4", aged, "INFO", opened=False)

    assert [e.id for e in client.escalations.list().items] == [third, second, first]  # newest first, no PENDING
    assert [e.id for e in client.escalations.list_all(page_size=1)] == [third, second, first]
    assert [e.id for e in client.escalations.list(status="open", severity="critical").items] == [first]
    assert [e.id for e in client.escalations.list(identity="u/2").items] == [second]
    assert [e.id for e in client.escalations.list(rule=bots["id"]).items] == [second, first]
    assert [e.id for e in client.escalations.list(rule="aged").items] == [third]
    assert [e.id for e in client.escalations.list(sort="severity", order="asc").items] == [third, second, first]
    assert [e.id for e in client.escalations.list(sort="openedAt", order="asc").items] == [first, second, third]
    with team.http as http:
        assert [e["id"] for e in http.get("/api/escalations", params={"status": "PENDING"}).json()["content"]] == [
            pending
        ]
        assert http.get("/api/escalations/summary").json() == {"open": 3, "acknowledged": 0, "closed": 0, "pending": 1}
        r = http.get("/api/escalations", params={"sort": "color"})
        assert r.status_code == 400 and "sort" in r.json()["message"]
    with pytest.raises(BadRequestError, match="severity must be one of INFO, WARNING, CRITICAL"):
        client.escalations.list(severity="whatever")
    page = client.escalations.list(page_size=2)
    assert (page.total_elements, page.total_pages, page.last) == (3, 2, False)

    got = client.escalations.get(first)
    assert (got.id, got.status, got.severity, got.scores) == (
        first,
        "OPEN",
        "CRITICAL",
        {"HUMANITY": 12, "BEHAVIOR": 70},
    )
    assert (got.identity.id, got.identity.label, got.identity.path) == ("u1", "Una One", "/api/identities/u1")  # type: ignore[union-attr]
    assert (got.rule.id, got.rule.label, got.rule.path) == (str(bots["id"]), "Bots", "/api/escalation-rules/bots")  # type: ignore[union-attr]
    assert got.opened_at is not None and got.created_at is not None and got.acknowledged_at is None
    assert got.raw["badges"] == ["likely-bot"] and got.raw["channels"] == [] and got.raw["ruleDeleted"] is False
    assert got.raw["conditions"][0]["condition"] == "SCORE_LT"
    assert client.escalations.get(second).identity.path == "/api/identities/u%2F2"  # type: ignore[union-attr]
    assert client.escalations.summary().open == 3

    acknowledged = client.escalations.update(first, status="acknowledged")
    assert acknowledged.status == "ACKNOWLEDGED" and acknowledged.acknowledged_at is not None
    assert acknowledged.raw["acknowledgedBy"] == "api:server"
    assert _watch(server, customer, "u1", bots["id"])["status"] == "ACKNOWLEDGED"
    with pytest.raises(BadRequestError, match="only an OPEN escalation can be acknowledged"):
        client.escalations.update(first, status="acknowledged")
    with pytest.raises(BadRequestError, match="back to OPEN"):
        client.escalations.update(first, status="open")
    with team.dashboard as dashboard:
        r = dashboard.patch(f"/api/escalations/{first}", json={"status": "CLOSED"})
        assert r.status_code == 200, r.text
        closed = r.json()
        assert (closed["status"], closed["closedBy"], closed["closeReason"]) == ("CLOSED", team.email, "CLOSED_BY_USER")
        assert closed["closedAt"] is not None and closed["acknowledgedBy"] == "api:server"
        r = dashboard.patch(f"/api/escalations/{pending}", json={"status": "CLOSED"})
        assert r.status_code == 400 and "this one is PENDING" in r.json()["message"]
        r = dashboard.patch(f"/api/escalations/{second}", json={"status": "WHATEVER"})
        assert r.status_code == 400 and "ACKNOWLEDGED or CLOSED" in r.json()["message"]
        assert dashboard.patch(f"/api/escalations/{second}", json={}).status_code == 400
    watch = _watch(server, customer, "u1", bots["id"])
    assert (watch["escalation"], watch["status"], watch["suppressed"]) == (None, None, True)
    assert client.escalations.get(first).closed_at is not None
    assert client.escalations.update(second, status="closed").status == "CLOSED"  # straight from OPEN
    assert [e.id for e in client.escalations.list(status="closed").items] == [second, first]
    assert client.escalations.summary().raw == {"open": 1, "acknowledged": 0, "closed": 2, "pending": 1}

    for missing in ("abc", "None", "0", "-1", "1.5", str(pending + 100), "99999999999999999999"):
        with pytest.raises(NotFoundError):
            client.escalations.get(missing)
        with pytest.raises(NotFoundError):
            client.escalations.update(missing, status="closed")

    # A deleted rule's escalations stay, marked, with no path to the rule (its slug may be taken again).
    assert team.http.delete("/api/escalation-rules/aged").status_code == 204
    gone = client.escalations.get(third)
    assert gone.raw["ruleDeleted"] is True and gone.rule.path is None and gone.rule.label == "Aged"  # type: ignore[union-attr]
    assert [e.id for e in client.escalations.list_all()] == [third, second, first]
    with team.http as http:
        kept = http.get("/api/escalations", params={"includeDeletedRules": "false"}).json()["content"]
        assert [e["id"] for e in kept] == [second, first]


def test_another_team_never_sees_or_moves_the_escalations(server: LiveServer, team: Team) -> None:
    customer = customer_of(server, team)
    number = record_escalation(server, customer, "u1", _rule(team, "Bots"), "CRITICAL")
    other = sign_up(server)
    theirs = other.sdk()
    assert theirs.escalations.list().items == () and theirs.escalations.summary().open == 0
    assert theirs.escalations.list(rule="bots").items == () and theirs.escalations.list(identity="u1").items == ()
    with pytest.raises(NotFoundError):
        theirs.escalations.get(number)
    with pytest.raises(NotFoundError):
        theirs.escalations.update(number, status="closed")
    # The other team's own escalation with the same number is its own.
    own = record_escalation(server, customer_of(server, other), "u9", _rule(other, "Bots"), "INFO")
    assert own == number and theirs.escalations.get(own).identity.id == "u9"  # type: ignore[union-attr]
    assert team.sdk().escalations.get(number).status == "OPEN"
    assert team.sdk().escalations.get(number).identity.id == "u1"  # type: ignore[union-attr]


def test_escalations_need_a_credential(server: LiveServer, team: Team) -> None:
    assert httpx.get(server.base_url + "/api/escalations").status_code == 401
    browser = {"Authorization": f"Bearer {team.public_key}"}
    assert httpx.get(server.base_url + "/api/escalations/summary", headers=browser).status_code == 403
    assert (
        httpx.patch(server.base_url + "/api/escalations/1", json={"status": "CLOSED"}, headers=browser).status_code
        == 403
    )
