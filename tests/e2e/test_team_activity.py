"""The account activity log (issue 14): every sign-in and failed one, password change and reset, invitation,
member change, key, rule, channel, dataset and mapping change, and the operator's limits, each with who, when,
from which address and browser; GET /api/team/activity for the team's admins, paged and filtered by actor and
kind, never a secret in it. SQLite and PostgreSQL."""

import secrets
from typing import Any

import httpx
import pytest

from tests.e2e.test_team_limits import dregs_cli
from tests.support import PASSWORD, LiveServer, Team, add_member, log_in, member_session, sign_up, wait_until

BROWSER = "Mozilla/5.0 (Dregs activity test)"
LOW_HUMANITY = [{"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 30}]
SLACK_URL = "https://hooks.slack.com/services/T0001/B0002/slackSECRETpart"


def _as(team: Team, client: httpx.Client | None = None) -> httpx.Client:
    """The admin's session (or `client`), as a browser that names itself."""
    session = client or team.dashboard
    session.headers["User-Agent"] = BROWSER
    return session


def _activity(team: Team, **params: Any) -> dict[str, Any]:
    r = team.dashboard.get("/api/team/activity", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _kinds(team: Team, **params: Any) -> list[str]:
    return [e["kind"] for e in _activity(team, pageSize=100, **params)["content"]]


def _ok(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code < 300, r.text
    return r.json() if r.content else {}


def test_every_change_to_the_account_and_its_settings_is_logged_with_who_when_and_where(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"Audited {secrets.token_hex(4)}"
    team = sign_up(server, name)
    admin = _as(team)
    # Sign-ins: a failed one (wrong password), then one that works.
    assert httpx.post(server.base_url + "/api/auth/login", json={"email": team.email, "password": "wrong"},
                      headers={"User-Agent": BROWSER}).status_code == 401  # fmt: skip
    # Logged after the answer (a refusal takes as long whether or not the address has an account).
    wait_until(lambda: "auth.sign_in_failed" in _kinds(team), 10, "the failed sign-in in the log")
    log_in(server, team.email).close()
    # Members.
    invitation = _ok(admin.post("/api/team/invitations", json={"email": "guest@example.com", "role": "VIEWER"}))
    _ok(admin.delete(f"/api/team/invitations/{invitation['id']}"))
    member = add_member(server, team, "VIEWER")
    member_id = next(m["id"] for m in admin.get("/api/team/members").json() if m["email"] == member)
    _ok(admin.patch(f"/api/team/members/{member_id}", json={"role": "USER"}))
    _ok(admin.patch(f"/api/team/members/{member_id}", json={"disabled": True}))
    _ok(admin.patch(f"/api/team/members/{member_id}", json={"disabled": False}))
    _ok(admin.delete(f"/api/team/members/{member_id}"))
    # Keys.
    key = _ok(admin.post("/api/credentials", json={"name": "Staging", "allowedOrigins": []}))
    _ok(admin.patch(f"/api/credentials/{key['id']}", json={"allowedOrigins": ["https://staging.example.com"]}))
    _ok(admin.delete(f"/api/credentials/{key['id']}"))
    # Rules, channels, datasets, mappings.
    _ok(admin.post("/api/badge-rules", json={"name": "Bots", "type": "BAD", "conditions": LOW_HUMANITY}))
    _ok(admin.patch("/api/badge-rules/bots", json={"priority": 5}))
    _ok(admin.delete("/api/badge-rules/bots"))
    _ok(admin.post("/api/escalation-rules", json={"name": "Bots", "severity": "CRITICAL", "conditions": LOW_HUMANITY}))
    _ok(admin.post("/api/channels", json={"name": "Room", "type": "SLACK", "config": {"webhookUrl": SLACK_URL},
                                          "events": ["ESCALATION_OPENED"]}))  # fmt: skip
    _ok(admin.patch("/api/channels/room", json={"config": {"webhookUrl": SLACK_URL + "2"}, "enabled": False}))
    _ok(admin.delete("/api/channels/room"))
    _ok(admin.put("/api/datasets/CUSTOMER/disposable_email_domains/entries", json={"key": "mailcorp.example"}))
    _ok(admin.delete("/api/datasets/CUSTOMER/disposable_email_domains/entries/mailcorp.example"))
    mapping = _ok(admin.put("/api/mappings", json={"kind": "EVENT_TYPE", "source": "alta", "target": "REGISTRATION"}))
    _ok(admin.delete(f"/api/mappings/{mapping['id']}"))
    _ok(admin.put("/api/account/password", json={"currentPassword": PASSWORD, "newPassword": PASSWORD + "2"}))
    with log_in(server, team.email, PASSWORD + "2") as fresh:  # the admin's sessions ended with the change
        team.token = fresh.headers["Authorization"].removeprefix("Bearer ")
    dregs_cli(server, monkeypatch, "teams", "set-limits", name, "--members", "10")

    assert _kinds(team) == [
        "team.limits_changed",
        "auth.signed_in", "account.password_changed",
        "mapping.removed", "mapping.set",
        "dataset.entry_removed", "dataset.entry_set",
        "channel.deleted", "channel.changed", "channel.created",
        "escalation_rule.created",
        "badge_rule.deleted", "badge_rule.changed", "badge_rule.created",
        "credential.revoked", "credential.changed", "credential.created",
        "member.removed", "member.enabled", "member.disabled", "member.role_changed",
        "member.invitation_revoked", "member.invited",
        "auth.signed_in", "auth.sign_in_failed",
        "credential.created", "auth.signed_in", "account.signed_up",  # tests.support.sign_up's
    ]  # fmt: skip
    entries = _activity(team, pageSize=100)["content"]
    by_kind = {e["kind"]: e for e in entries}
    role = by_kind["member.role_changed"]
    assert role["actor"]["name"] == team.email and role["actor"]["id"] is not None
    assert role["subject"] == member and role["detail"] == {"from": "VIEWER", "role": "USER"}
    assert role["ip"] == "127.0.0.1" and role["userAgent"] == BROWSER and role["at"].endswith("Z")
    assert set(role) == {"id", "at", "kind", "actor", "subject", "detail", "ip", "userAgent"}
    failed = by_kind["auth.sign_in_failed"]
    assert failed["subject"] == team.email and failed["userAgent"] == BROWSER
    assert by_kind["credential.changed"]["detail"] == {"allowedOrigins": ["https://staging.example.com"]}
    assert by_kind["channel.changed"]["detail"] == {"config": "changed", "enabled": False}
    assert by_kind["dataset.entry_set"]["subject"] == "disposable_email_domains"
    assert by_kind["mapping.set"]["subject"] == "EVENT_TYPE alta"
    assert by_kind["badge_rule.changed"]["detail"] == {"version": 2, "priority": 5}
    operator = by_kind["team.limits_changed"]
    assert operator["actor"] == {"id": None, "name": "operator"} and operator["detail"] == {"members": 10}
    # No secret in it: passwords, keys, a channel's URL.
    text = team.dashboard.get("/api/team/activity", params={"pageSize": 100}).text
    for secret in (PASSWORD, "slackSECRETpart", key["secretKey"], team.secret_key):
        assert secret not in text


def test_the_log_is_paged_filtered_and_the_team_s_own(server: LiveServer) -> None:
    team, other = sign_up(server), sign_up(server)
    for n in range(3):
        _ok(team.http.put("/api/datasets/CUSTOMER/disposable_email_domains/entries", json={"key": f"d{n}.example"}))
    page = _activity(team, pageSize=2, kind="dataset")
    assert page["totalElements"] == 3 and page["totalPages"] == 2 and len(page["content"]) == 2
    assert [e["detail"]["key"] for e in page["content"]] == ["d2.example", "d1.example"]
    oldest = _activity(team, pageSize=2, kind="dataset.entry_set", sort="at", order="ASC")["content"][0]
    assert oldest["detail"]["key"] == "d0.example"
    # The server key did it: named by the key's name.
    assert oldest["actor"] == {"id": None, "name": "key server"}
    assert _kinds(team, actor="key server") == ["dataset.entry_set"] * 3
    assert _kinds(team, actor=team.email.upper()) == ["credential.created", "auth.signed_in", "account.signed_up"]
    assert _kinds(team, kind="member") == [] and _kinds(team, kind="datas") == []
    assert all(e["actor"]["name"] != "key server" for e in _activity(other, pageSize=100)["content"])
    r = team.dashboard.get("/api/team/activity", params={"sort": "kind"})
    assert r.status_code == 400 and "cannot sort by 'kind'" in r.json()["message"]


def test_only_admins_read_the_log(server: LiveServer, team: Team) -> None:
    for role in ("USER", "VIEWER"):
        with member_session(server, team, role) as member:
            assert member.get("/api/team/activity").status_code == 403
    assert team.http.get("/api/team/activity").status_code == 403  # the server key is not a person
    assert httpx.get(server.base_url + "/api/team/activity").status_code == 401
