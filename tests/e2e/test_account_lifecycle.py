"""An account's life (issue 14): a forgotten password reset by email, a member disabled and enabled by an admin,
an account deleted by its owner; each ends every earlier session at once, even two changes in one second."""

import email
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from domain.accounts.roles import Role
from tests.support import PASSWORD, LiveServer, Team, add_member, live_server, log_in, sign_up, wait_until


def _reset_token(server: LiveServer, to: str, seen: int = 0) -> str:
    """The link of the (seen+1)-th reset email to `to` in the embedded default's mail folder."""
    folder = Path(server.settings.data_dir) / "mail"

    def found() -> list[email.message.Message] | None:
        messages = [email.message_from_string(p.read_text()) for p in sorted(folder.glob("*.eml"))]
        resets = [m for m in messages if m["To"] == to and "Reset your password" in m["Subject"]]
        return resets if len(resets) > seen else None

    message = wait_until(found, 10, "the reset email")[seen]
    text = message.get_payload(decode=True).decode()
    link = next(word for word in text.split() if "/reset-password?token=" in word)
    return parse_qs(urlsplit(link).query)["token"][0]


def _post(server: LiveServer, path: str, body: dict[str, object]) -> httpx.Response:
    return httpx.post(server.base_url + path, json=body)


def test_a_forgotten_password_is_reset_by_email_and_every_session_ends(server: LiveServer, team: Team) -> None:
    assert _post(server, "/api/auth/password-reset", {"email": "nobody-here@example.com"}).status_code == 202
    assert _post(server, "/api/auth/password-reset", {"email": team.email.upper()}).status_code == 202
    token = _reset_token(server, team.email)
    confirm = {"token": token, "newPassword": "a brand new password"}
    assert _post(server, "/api/auth/password-reset/confirm", {**confirm, "newPassword": "short"}).status_code == 400
    assert _post(server, "/api/auth/password-reset/confirm", confirm).status_code == 204
    with team.dashboard as old:
        assert old.get("/api/account").status_code == 401
    assert _post(server, "/api/auth/login", {"email": team.email, "password": PASSWORD}).status_code == 401
    with log_in(server, team.email, "a brand new password") as fresh:
        assert fresh.get("/api/account").status_code == 200
    assert _post(server, "/api/auth/password-reset/confirm", confirm).status_code == 409  # used once
    r = _post(server, "/api/auth/password-reset/confirm", {"token": "pwr_none", "newPassword": "whatever 123"})
    assert r.status_code == 404 and r.json()["message"] == "This reset link is not valid"


def test_an_admin_disables_and_enables_a_member(server: LiveServer, team: Team) -> None:
    email_address = add_member(server, team, Role.USER.value)
    member = log_in(server, email_address)
    with team.dashboard as admin:
        listed = {m["email"]: m for m in admin.get("/api/team/members").json()}
        member_id, me = listed[email_address]["id"], listed[team.email]["id"]
        r = admin.patch(f"/api/team/members/{member_id}", json={"disabled": True})
        assert r.status_code == 200 and r.json()["disabled"] is True
        assert member.get("/api/account").status_code == 401
        assert _post(server, "/api/auth/login", {"email": email_address, "password": PASSWORD}).status_code == 401
        r = admin.patch(f"/api/team/members/{me}", json={"disabled": True})
        assert r.status_code == 409 and "last admin" in r.json()["message"]
        assert admin.patch(f"/api/team/members/{member_id}", json={}).status_code == 400
        assert admin.patch(f"/api/team/members/{member_id}", json={"disabled": False}).json()["disabled"] is False
    with log_in(server, email_address) as back:
        assert back.get("/api/account").status_code == 200


def test_an_account_is_deleted_by_its_owner_but_never_the_last_admin(server: LiveServer, team: Team) -> None:
    email_address = add_member(server, team, Role.VIEWER.value)
    with log_in(server, email_address) as member:
        r = member.request("DELETE", "/api/account", json={"password": "not the password"})
        assert r.status_code == 403
        assert member.request("DELETE", "/api/account", json={"password": PASSWORD}).status_code == 204
        assert member.get("/api/account").status_code == 401
    assert _post(server, "/api/auth/login", {"email": email_address, "password": PASSWORD}).status_code == 401
    with team.dashboard as admin:
        assert email_address not in {m["email"] for m in admin.get("/api/team/members").json()}
        r = admin.request("DELETE", "/api/account", json={"password": PASSWORD})
        assert r.status_code == 409 and "last admin" in r.json()["message"]
        assert admin.get("/api/account").status_code == 200


def test_two_changes_in_one_second_each_end_the_sessions_before_them(server: LiveServer, team: Team) -> None:
    """Sessions carry the account's version, not a time: a session begun between two changes made within the
    same second dies with the second one."""
    email_address = add_member(server, team, Role.USER.value)
    with team.dashboard as admin:
        member_id = {m["email"]: m["id"] for m in admin.get("/api/team/members").json()}[email_address]
        first = log_in(server, email_address)
        assert admin.patch(f"/api/team/members/{member_id}", json={"role": "VIEWER"}).status_code == 200
        between = log_in(server, email_address)
        assert admin.patch(f"/api/team/members/{member_id}", json={"role": "USER"}).status_code == 200
        after = log_in(server, email_address)
    assert first.get("/api/account").status_code == 401
    assert between.get("/api/account").status_code == 401
    assert after.get("/api/account").json()["role"] == "USER"


def test_invitations_and_resets_count_against_the_team_s_email_limit() -> None:
    from adapters.rate_limits import RULES

    with live_server(None, rate_limits={**dict.fromkeys(RULES, "off"), "team_email": "2/hour"}) as server:
        team, other = sign_up(server), sign_up(server)
        with team.dashboard as admin:
            for n in (1, 2):
                r = admin.post("/api/team/invitations", json={"email": f"guest{n}@example.com", "role": "USER"})
                assert r.status_code == 201 and r.json()["emailed"] is True, r.text
            r = admin.post("/api/team/invitations", json={"email": "guest3@example.com", "role": "USER"})
            assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1, r.text
            assert "emails as its limit allows" in r.json()["message"]
            assert sorted(i["email"] for i in admin.get("/api/team/invitations").json()) == [
                "guest1@example.com",
                "guest2@example.com",
            ]
        # Answered as always, but not sent: the team's emails are used up (the log says so once it is done).
        assert _post(server, "/api/auth/password-reset", {"email": team.email}).status_code == 202

        def reset_requested() -> dict[str, object] | None:
            page = team.dashboard.get("/api/team/activity", params={"kind": "account.password_reset_requested"})
            return next(iter(page.json()["content"]), None)

        assert wait_until(reset_requested, 10, "the reset request in the log")["detail"] == {"emailed": False}
        folder = Path(server.settings.data_dir) / "mail"
        assert not [p for p in folder.glob("*.eml") if f"To: {team.email}" in p.read_text()]
        # Another team's budget is its own.
        assert _post(server, "/api/auth/password-reset", {"email": other.email}).status_code == 202
        assert _reset_token(server, other.email).startswith("pwr_")
