"""Per-team limits (issue 14, manual §18): the operator sets them with `dregs teams`, GET /api/account shows the
usage against each, and past one the API answers 402 and stores nothing: events through the official SDK,
identities, rules, channels and members. SQLite and PostgreSQL."""

import secrets
from collections.abc import Iterator
from typing import Any

import dregs
import httpx
import pytest

from api.cli import main
from tests.support import LiveServer, Team, live_server, member_session, operator_env, sign_up, wait_until

LOW_HUMANITY = [{"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 30}]
HOOK = {"name": "Ops hook", "type": "WEBHOOK", "config": {"url": "https://hooks.example.com/dregs"},
        "events": ["IDENTITY_SCORED"]}  # fmt: skip


def dregs_cli(server: LiveServer, monkeypatch: pytest.MonkeyPatch, *argv: str) -> None:
    """`dregs …` run against the server's database, as an operator runs it beside the deployment."""
    operator_env(server, monkeypatch)
    main(list(argv))


def _named_team(server: LiveServer) -> tuple[Team, str]:
    name = f"Limited {secrets.token_hex(4)}"
    return sign_up(server, name), name


def _usage(team: Team) -> dict[str, Any]:
    r = team.dashboard.get("/api/account")
    assert r.status_code == 200, r.text
    return r.json()["usage"]


def test_no_team_is_limited_until_the_operator_says_so(server: LiveServer) -> None:
    team, _ = _named_team(server)
    usage = _usage(team)
    assert set(usage) == {"month", "eventsPerMonth", "identities", "members", "rules", "channels", "retentionDays",
                          "ingestionPaused"}  # fmt: skip
    assert usage["eventsPerMonth"] == {"used": 0, "limit": None} and usage["members"] == {"used": 1, "limit": None}
    assert usage["retentionDays"] == {"limit": None} and usage["ingestionPaused"] is False


def test_the_operator_sets_and_lists_limits_and_the_team_sees_them(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    team, name = _named_team(server)
    team.sdk().track("user.signup", identity="u-1")
    dregs_cli(server, monkeypatch, "teams", "set-limits", name, "--events-per-month", "1000", "--retention-days", "90")
    assert "events per month 1000" in capsys.readouterr().out
    dregs_cli(server, monkeypatch, "teams", "set-limits", name, "--rules", "5", "--events-per-month", "unlimited")
    usage = _usage(team)
    assert usage["eventsPerMonth"] == {"used": 1, "limit": None}  # unlimited again; the others kept
    assert usage["rules"] == {"used": 0, "limit": 5} and usage["retentionDays"] == {"limit": 90}
    assert usage["identities"] == {"used": 1, "limit": None}
    dregs_cli(server, monkeypatch, "teams", "list")
    listed = capsys.readouterr().out
    block = listed[listed.index(name) :].split("\n")
    assert "    rules: 0 of 5" in block and "    events per month: 1 of unlimited" in block
    assert "    retention days: 90" in block


def test_the_cli_refuses_what_it_cannot_set(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    team, name = _named_team(server)
    for argv, said in (
        (("teams", "set-limits", "no such team", "--rules", "1"), "no team 'no such team'"),
        (("teams", "set-limits", name, "--rules", "-1"), "whole number from 0"),
        (("teams", "set-limits", name), "name at least one limit"),
        (("teams", "set-limits", name, "--rules", "many"), "neither a whole number nor 'unlimited'"),
    ):
        with pytest.raises(SystemExit) as exit_:
            dregs_cli(server, monkeypatch, *argv)
        assert exit_.value.code == 2 and said in capsys.readouterr().err
    assert _usage(team)["rules"]["limit"] is None


def test_past_the_monthly_events_the_sdk_gets_402_and_nothing_is_stored(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    team, name = _named_team(server)
    dregs_cli(server, monkeypatch, "teams", "set-limits", name, "--events-per-month", "3")
    assert _usage(team)["eventsPerMonth"] == {"used": 0, "limit": 3}  # read after the limit reached the read model
    client = team.sdk()
    for n in range(3):
        assert client.track("page.view", identity="u-1", event_id=f"ok-{n}").id == f"ok-{n}"
    with pytest.raises(dregs.QuotaExceededError) as refused:
        client.track("page.view", identity="u-1", event_id="too-many")
    assert refused.value.status_code == 402
    r = team.http.post("/api/events", json={"type": "page.view", "identity": {"id": "u-2"}})
    assert r.status_code == 402 and "limit of 3 events this month" in r.json()["message"]
    usage = _usage(team)
    assert usage["eventsPerMonth"] == {"used": 3, "limit": 3} and usage["ingestionPaused"] is True
    assert usage["identities"]["used"] == 1  # u-2 was not made
    assert sorted(e.id for e in client.events.list()) == ["ok-0", "ok-1", "ok-2"]
    with pytest.raises(dregs.NotFoundError):
        client.events.get("too-many")
    # The operator raises it: ingestion resumes (within the quota's second of refresh).
    dregs_cli(server, monkeypatch, "teams", "set-limits", name, "--events-per-month", "4")
    wait_until(lambda: _usage(team)["ingestionPaused"] is False, 10, "the raised limit")
    wait_until(lambda: _accepted(team, "after-raise"), 10, "an event after the limit was raised")


def _accepted(team: Team, event_id: str) -> bool:
    r = team.http.post("/api/events", json={"id": event_id, "type": "page.view", "identity": {"id": "u-1"}})
    assert r.status_code in (200, 402), r.text
    return r.status_code == 200


@pytest.fixture(scope="module")
def fresh_quota() -> Iterator[LiveServer]:
    """A server whose quota reads the allowance on every event, so a test can see the identities read model's
    count take effect without waiting out the second of refresh."""
    with live_server(None) as server:
        server.container.ingestion.quota.refresh_seconds = 0.0
        yield server


def test_at_the_identities_limit_known_identities_go_on_and_new_ones_get_402(
    fresh_quota: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    team, name = _named_team(fresh_quota)
    dregs_cli(fresh_quota, monkeypatch, "teams", "set-limits", name, "--identities", "1")
    assert _usage(team)["identities"] == {"used": 0, "limit": 1}
    client = team.sdk()
    client.track("user.signup", identity="first")
    wait_until(lambda: _usage(team)["identities"]["used"] == 1, 10, "the first identity in the read model")
    with pytest.raises(dregs.QuotaExceededError, match="(?i)monthly|allowance|limit"):
        client.track("user.signup", identity="second")
    assert client.track("user.login", identity="first").accepted
    assert [i.id for i in client.identities.list()] == ["first"]


def test_rules_and_channels_past_their_limits_are_402(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    team, name = _named_team(server)
    dregs_cli(server, monkeypatch, "teams", "set-limits", name, "--rules", "1", "--channels", "1")
    http = team.http
    r = http.post("/api/badge-rules", json={"name": "Bots", "type": "BAD", "conditions": LOW_HUMANITY})
    assert r.status_code == 201, r.text
    # Badge and escalation rules share the limit.
    r = http.post("/api/escalation-rules", json={"name": "Bots", "severity": "CRITICAL", "conditions": LOW_HUMANITY})
    assert r.status_code == 402 and "limit of 1 rules is reached" in r.json()["message"], r.text
    assert http.post("/api/channels", json=HOOK).status_code == 201
    r = http.post("/api/channels", json={**HOOK, "name": "Second hook"})
    assert r.status_code == 402 and "limit of 1 channels" in r.json()["message"]
    assert [c["slug"] for c in http.get("/api/channels").json()] == ["ops-hook"]
    usage = _usage(team)
    assert usage["rules"] == {"used": 1, "limit": 1} and usage["channels"] == {"used": 1, "limit": 1}
    # A deleted one makes room.
    assert http.delete("/api/badge-rules/bots").status_code == 204
    r = http.post("/api/escalation-rules", json={"name": "Bots", "severity": "CRITICAL", "conditions": LOW_HUMANITY})
    assert r.status_code == 201, r.text


def test_members_past_their_limit_are_402(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    team, name = _named_team(server)
    member_session(server, team, "VIEWER").close()
    dregs_cli(server, monkeypatch, "teams", "set-limits", name, "--members", "2")
    with team.dashboard as admin:
        r = admin.post("/api/team/invitations", json={"email": "third@example.com", "role": "USER"})
        assert r.status_code == 402 and "limit of 2 members" in r.json()["message"], r.text
        assert admin.get("/api/team/invitations").json() == []
    assert _usage(team)["members"] == {"used": 2, "limit": 2}


def test_limits_and_usage_are_the_team_s_own(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    limited, name = _named_team(server)
    other, _ = _named_team(server)
    dregs_cli(server, monkeypatch, "teams", "set-limits", name, "--events-per-month", "0")
    assert _usage(limited)["ingestionPaused"] is True
    assert other.sdk().track("page.view", identity="u").accepted
    with httpx.Client(base_url=server.base_url) as anyone:
        assert anyone.get("/api/account").status_code == 401
    with pytest.raises(dregs.QuotaExceededError):
        limited.sdk().track("page.view", identity="u")
