"""Sign-up, login, sessions that die on password change, credentials and roles."""

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest

from tests.support import PASSWORD, LiveServer, Team, sign_up, wait_until


def _post(server: LiveServer, path: str, json: object, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(server.base_url + path, json=json, headers=headers)


def test_signup_makes_the_first_user_an_admin_and_shows_no_internal_ids(server: LiveServer) -> None:
    r = _post(
        server,
        "/api/auth/signup",
        {"email": "Grace@Example.com", "password": PASSWORD, "name": "Grace", "team": "Navy"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["user"]["email"] == "grace@example.com" and body["role"] == "ADMIN"
    assert body["team"] == {"name": "Navy"}
    assert "id" not in body["user"] and "passwordHash" not in str(body) and "customer" not in str(body).lower()


def test_email_is_unique_across_dregs_case_insensitively(server: LiveServer) -> None:
    first = {"email": "dup@example.com", "password": PASSWORD, "name": "A", "team": "T1"}
    assert _post(server, "/api/auth/signup", first).status_code in (201, 409)
    r = _post(server, "/api/auth/signup", {**first, "email": "DUP@example.com", "team": "T2"})
    assert r.status_code == 409 and "already exists" in r.json()["message"]


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 8"), ("é" * 37, "at most 72 bytes"), ("x" * 73, "at most 72 bytes")],
)
def test_password_policy(server: LiveServer, password: str, message: str) -> None:
    r = _post(server, "/api/auth/signup", {"email": "p@example.com", "password": password, "name": "A", "team": "T"})
    assert r.status_code == 400 and message in r.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "nope", "password": PASSWORD, "name": "A", "team": "T"},
        {"email": "a@example.com", "password": PASSWORD, "name": "", "team": "T"},
        {"email": "a@example.com", "password": PASSWORD, "name": "A", "team": " "},
    ],
)
def test_signup_validation(server: LiveServer, body: dict[str, str]) -> None:
    r = _post(server, "/api/auth/signup", body)
    assert r.status_code == 400 and r.json()["message"]


def test_wrong_password_and_unknown_email_look_the_same(team: Team) -> None:
    wrong = _post(team.server, "/api/auth/login", {"email": team.email, "password": "wrong password"})
    unknown = _post(team.server, "/api/auth/login", {"email": "nobody@example.com", "password": "wrong password"})
    too_long = _post(team.server, "/api/auth/login", {"email": team.email, "password": "x" * 100})
    for r in (wrong, unknown, too_long):
        assert r.status_code == 401
        assert r.json()["message"] == "Invalid email or password"


def test_session_token_claims(team: Team) -> None:
    claims = jwt.decode(team.token, options={"verify_signature": False})
    assert set(claims) >= {"sub", "exp", "iat", "aud", "ver"}
    assert jwt.get_unverified_header(team.token)["alg"] == "HS256"


def test_account_shows_user_team_and_role(team: Team) -> None:
    with team.dashboard as http:
        body = http.get("/api/account").json()
    assert body["user"]["email"] == team.email and body["role"] == "ADMIN" and body["team"]["name"]


def test_password_change_ends_every_earlier_session_at_once(team: Team) -> None:
    second = _post(team.server, "/api/auth/login", {"email": team.email, "password": PASSWORD}).json()["token"]
    with team.dashboard as http:
        r = http.put(
            "/api/account/password", json={"currentPassword": "not it at all", "newPassword": "new password 1"}
        )
        assert r.status_code == 403
        r = http.put("/api/account/password", json={"currentPassword": PASSWORD, "newPassword": "new password 1"})
        assert r.status_code == 204
        assert http.get("/api/account").status_code == 401
    assert (
        httpx.get(team.server.base_url + "/api/account", headers={"Authorization": f"Bearer {second}"}).status_code
        == 401
    )
    assert _post(team.server, "/api/auth/login", {"email": team.email, "password": PASSWORD}).status_code == 401
    fresh = _post(team.server, "/api/auth/login", {"email": team.email, "password": "new password 1"}).json()["token"]
    assert (
        httpx.get(team.server.base_url + "/api/account", headers={"Authorization": f"Bearer {fresh}"}).status_code
        == 200
    )


def test_tampered_and_foreign_tokens_are_rejected(team: Team) -> None:
    claims = jwt.decode(team.token, options={"verify_signature": False})
    forged = jwt.encode(claims, "not the server secret at all, not even close", algorithm="HS256")
    unsigned = jwt.encode(claims, None, algorithm="none") if hasattr(jwt, "encode") else ""
    for token in (forged, unsigned, team.token + "x", "garbage"):
        r = httpx.get(team.server.base_url + "/api/account", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, token


def test_credentials_show_their_secret_once_and_store_only_a_hash(team: Team) -> None:
    with team.dashboard as http:
        listed = http.get("/api/credentials").json()
    assert [c["id"] for c in listed] == [team.credential_id]
    assert set(listed[0]) == {"id", "name", "publicKey", "enabled", "allowedOrigins", "createdAt", "lastUsedAt"}
    assert listed[0]["allowedOrigins"] == ["https://app.example.com"]
    assert team.secret_key.startswith("sk_") and len(team.secret_key) >= 3 + 22
    assert team.public_key.startswith("pk_")
    container = team.server.container
    recorded = b"".join(n.state for n in container.accounts.recorder.select_notifications(1, 10_000))
    assert team.secret_key.encode() not in recorded
    assert container.accounts.key_hash(team.secret_key).encode() in recorded


def test_credential_validation(team: Team) -> None:
    with team.dashboard as http:
        for body in (
            {"name": ""},
            {"name": "x", "allowedOrigins": ["javascript:alert(1)"]},
            {"name": "x", "allowedOrigins": ["https://a.com/path"]},
            {"allowedOrigins": []},
        ):
            r = http.post("/api/credentials", json=body)
            assert r.status_code == 400 and r.json()["message"], body


def test_disabled_and_revoked_keys_stop_working(team: Team) -> None:
    client = team.sdk()
    client.track("signup", identity="u1")
    with team.dashboard as http:
        assert http.patch(f"/api/credentials/{team.credential_id}", json={"enabled": False}).json()["enabled"] is False
        with team.http as server_http:
            assert server_http.get("/api/identities").status_code == 401
        assert http.patch(f"/api/credentials/{team.credential_id}", json={"enabled": True}).json()["enabled"] is True
        with team.http as server_http:
            assert server_http.get("/api/identities").status_code == 200
        assert http.delete(f"/api/credentials/{team.credential_id}").status_code == 204
        with team.http as server_http:
            assert server_http.get("/api/identities").status_code == 401
            assert server_http.post("/api/events", json={"type": "x", "identity": {"id": "u"}}).status_code == 401
        assert http.get("/api/credentials").json() == []
        assert http.delete(f"/api/credentials/{team.credential_id}").status_code == 404


def test_a_credential_is_renamed_and_its_origins_fixed_without_a_new_key_pair(team: Team) -> None:
    """A page on a new origin: the admin adds it to the key it has, and the browser key works from there."""
    event = {"type": "page", "identity": {"id": "browser-user"}}
    browser = {"Authorization": f"Bearer {team.public_key}", "Origin": "https://shop.example.com"}
    base = team.server.base_url
    # an origin the key does not allow: answered, not recorded (the contract's legacy body-level status)
    assert httpx.post(base + "/api/events", json=event, headers=browser).json()["id"] is None
    with team.dashboard as http:
        path = f"/api/credentials/{team.credential_id}"
        origins = ["https://app.example.com", "https://shop.example.com/"]
        r = http.patch(path, json={"name": "Web shop", "allowedOrigins": origins})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["name"] == "Web shop" and body["enabled"] is True
        assert body["allowedOrigins"] == ["https://app.example.com", "https://shop.example.com"]
        assert httpx.post(base + "/api/events", json=event, headers=browser).json()["id"] is not None
        listed = http.get("/api/credentials").json()[0]
        assert listed["name"] == "Web shop" and listed["allowedOrigins"] == body["allowedOrigins"]
        for bad in ({}, {"name": ""}, {"allowedOrigins": ["javascript:alert(1)"]}, {"enabled": "yes"},
                    {"secretKey": "sk_x"}, {"name": "ok", "allowedOrigins": ["https://a.com/path"]}):  # fmt: skip
            r = http.patch(path, json=bad)
            assert r.status_code == 400 and r.json()["message"], bad
        assert http.get("/api/credentials").json()[0]["name"] == "Web shop"  # the refused changed nothing


def test_a_credential_shows_when_it_was_last_used(team: Team) -> None:
    with team.dashboard as http:
        assert http.get("/api/credentials").json()[0]["lastUsedAt"] is None
        team.sdk().track("signup", identity="used-1")
        used = wait_until(lambda: http.get("/api/credentials").json()[0]["lastUsedAt"], 10, "lastUsedAt written")
    assert datetime.fromisoformat(used) > datetime.now(UTC) - timedelta(minutes=2)


def test_public_keys_may_only_send_events(team: Team) -> None:
    headers = {"Authorization": f"Bearer {team.public_key}"}
    base = team.server.base_url
    assert httpx.get(base + "/api/identities", headers=headers).status_code == 403
    assert httpx.get(base + "/api/events", headers=headers).status_code == 403
    event = {"type": "page", "identity": {"id": "browser-user"}}
    r = httpx.post(base + "/api/events", json=event, headers={**headers, "Origin": "https://app.example.com"})
    assert r.status_code == 200 and r.json()["id"]
    # From no origin, or another one, a browser key's event is quietly not recorded.
    for origin in ({}, {"Origin": "https://elsewhere.example"}):
        r = httpx.post(base + "/api/events", json=event, headers={**headers, **origin})
        assert r.status_code == 200 and r.json()["id"] is None


def test_server_keys_cannot_manage_credentials_or_sessions(team: Team) -> None:
    with team.http as http:
        assert http.get("/api/account").status_code == 403
        assert http.post("/api/credentials", json={"name": "x"}).status_code == 403
        assert http.get("/api/credentials").status_code == 403


def test_missing_or_malformed_authorization_is_401(server: LiveServer) -> None:
    for headers in (
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer sk_nope"},
        {"Authorization": "Bearer pk_nope"},
    ):
        r = httpx.get(server.base_url + "/api/identities", headers=headers)
        assert r.status_code == 401 and r.json()["message"]


def test_a_team_member_sees_the_team_data(server: LiveServer) -> None:
    one = sign_up(server)
    one.sdk().track("signup", identity="shared-view")
    with one.dashboard as http:
        assert http.get("/api/identities/shared-view").status_code == 200
