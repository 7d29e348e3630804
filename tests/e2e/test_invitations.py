"""Invitations (issue 14): an admin invites an address with a role, the link arrives by email (read here from a
real SMTP server on loopback), and accepting it creates the account in the team, once."""

import email.message
import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from tests.support import PASSWORD, LiveServer, Team, free_port, live_server, log_in, sign_up, wait_until

LINK = re.compile(r"https?://\S+/accept-invitation\?token=\S+")


def _token(message: email.message.Message) -> str:
    """The token of the one link in the message's text (decoded: a long line is sent quoted-printable)."""
    text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    (link,) = LINK.findall(text)
    return parse_qs(urlsplit(link).query)["token"][0]


class _Sink(Message):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[email.message.Message] = []

    def handle_message(self, message: email.message.Message) -> None:
        self.got.append(message)


@pytest.fixture(scope="module")
def smtp_server():  # type: ignore[no-untyped-def]
    sink = _Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with live_server(None, smtp_url=f"smtp://127.0.0.1:{port}", mail_from="team@dregs.test") as server:
            yield server, sink
    finally:
        controller.stop()


def test_an_invitation_arrives_by_email_and_makes_a_member_once(smtp_server) -> None:  # type: ignore[no-untyped-def]
    server, sink = smtp_server
    team = sign_up(server, "Acme Fraud Ops")
    with team.dashboard as admin:
        r = admin.post("/api/team/invitations", json={"email": "Grace@Example.com", "role": "USER"})
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["email"] == "grace@example.com" and body["role"] == "USER" and body["emailed"] is True
        assert set(body) == {"id", "email", "role", "createdAt", "expiresAt", "emailed"}  # never the token
        assert [i["email"] for i in admin.get("/api/team/invitations").json()] == ["grace@example.com"]
    message = wait_until(lambda: next((m for m in sink.got if m["To"] == "grace@example.com"), None), 10, "the email")
    assert message["From"] == "team@dregs.test" and "Acme Fraud Ops" in message["Subject"]
    token = _token(message)
    accept = {"token": token, "name": "Grace Hopper", "password": "a long new password"}
    r = httpx.post(server.base_url + "/api/auth/accept-invitation", json=accept)
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "USER" and r.json()["team"]["name"] == "Acme Fraud Ops"
    with log_in(server, "grace@example.com", "a long new password") as grace:
        assert grace.get("/api/account").json()["user"]["email"] == "grace@example.com"
        members = {m["email"]: m["role"] for m in grace.get("/api/team/members").json()}
    assert members == {team.email: "ADMIN", "grace@example.com": "USER"}
    again = httpx.post(server.base_url + "/api/auth/accept-invitation", json={**accept, "name": "Mallory"})
    assert again.status_code == 409
    with team.dashboard as admin:
        assert admin.get("/api/team/invitations").json() == []


def _mailed_token(server: LiveServer, to: str) -> str:
    """The link of the newest message to `to` in the embedded default's mail folder."""
    folder = Path(server.settings.data_dir) / "mail"

    def newest() -> email.message.Message | None:
        found = sorted(p for p in folder.glob("*.eml") if f"To: {to}" in p.read_text())
        return email.message_from_string(found[-1].read_text()) if found else None

    return _token(wait_until(newest, 10, "the invitation email"))


def test_a_revoked_link_is_dead_and_two_acceptances_at_once_make_one_account(server: LiveServer, team: Team) -> None:
    with team.dashboard as admin:
        first = admin.post("/api/team/invitations", json={"email": "ann@example.com", "role": "VIEWER"}).json()
        token = _mailed_token(server, "ann@example.com")
        assert admin.delete(f"/api/team/invitations/{first['id']}").status_code == 204
        assert admin.delete(f"/api/team/invitations/{first['id']}").status_code == 409
        assert admin.delete("/api/team/invitations/not-one").status_code == 404
    accept = {"token": token, "name": "Ann", "password": PASSWORD}
    assert httpx.post(server.base_url + "/api/auth/accept-invitation", json=accept).status_code == 409
    with team.dashboard as admin:
        assert (
            admin.post("/api/team/invitations", json={"email": "ann@example.com", "role": "VIEWER"}).status_code == 201
        )
    token = _mailed_token(server, "ann@example.com")
    start = threading.Barrier(2)
    answers: list[int] = []

    def accept_now() -> None:
        start.wait()
        body = {"token": token, "name": "Ann", "password": PASSWORD}
        answers.append(httpx.post(server.base_url + "/api/auth/accept-invitation", json=body).status_code)

    threads = [threading.Thread(target=accept_now) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(answers) == [201, 409], answers
    with log_in(server, "ann@example.com") as ann:
        assert ann.get("/api/account").json()["role"] == "VIEWER"


def test_an_address_with_an_account_is_told_how_to_join_and_bad_input_is_refused(
    server: LiveServer, team: Team
) -> None:
    elsewhere = sign_up(server)
    with team.dashboard as admin:
        r = admin.post("/api/team/invitations", json={"email": elsewhere.email, "role": "USER"})
        assert r.status_code == 409 and "another address" in r.json()["message"]
        r = admin.post("/api/team/invitations", json={"email": team.email, "role": "USER"})
        assert r.status_code == 409 and "already a member" in r.json()["message"]
        for bad in ({"email": "not an address", "role": "USER"}, {"email": "x@example.com", "role": "OWNER"},
                    {"email": "x@example.com"}, {"email": "x@example.com", "role": "USER", "token": "t"}):  # fmt: skip
            r = admin.post("/api/team/invitations", json=bad)
            assert r.status_code == 400 and r.json()["message"], bad
        assert admin.get("/api/team/invitations").json() == []
    for bad in ({"token": "", "name": "X", "password": PASSWORD}, {"token": "inv_nothing", "name": "X"}):
        r = httpx.post(server.base_url + "/api/auth/accept-invitation", json=bad)
        assert r.status_code == 400 and r.json()["message"], bad
    r = httpx.post(
        server.base_url + "/api/auth/accept-invitation", json={"token": "inv_x", "name": "X", "password": PASSWORD}
    )
    assert r.status_code == 404 and r.json()["message"] == "This invitation link is not valid"
