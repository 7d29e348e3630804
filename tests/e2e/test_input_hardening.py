"""Findings of the security review: input that answered 500, or was taken unbounded, ambiguous or under
another spelling, is a 400 with a message (or counted as what it is)."""

import httpx
import pytest

from tests.support import Team

VALID = {"type": "signup", "identity": {"id": "u1", "data": {}}}


@pytest.mark.parametrize(
    "path",
    [
        "/api/identities/a%00b",
        "/api/identities/a%FFb",
        "/api/events/%FF",
        "/api/groups/team/%C3%28/identities/u1",
        "/api/devices/x%00",
        "/api/identities/a%00b/history",
    ],
)
def test_undecodable_or_nul_ids_are_400(shared_team: Team, path: str) -> None:
    with shared_team.http as http:
        r = http.get(path) if "/identities/u1" not in path else http.put(path)
    assert r.status_code == 400, r.text
    assert "path segment" in r.json()["message"]


def test_a_page_number_past_any_integer_is_400(shared_team: Team) -> None:
    with shared_team.http as http:
        r = http.get("/api/identities?pageNumber=1000000000000000000")
    assert r.status_code == 400, r.text
    assert r.json()["message"] == "pageNumber must be between 0 and 10000000"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"type": "x\xffy", "identity": {"id": "u1"}}',
        b'{"type": "signup", "identity": {"id": "u1", "data": {"\xff": 1}}}',
    ],
)
def test_an_event_body_with_invalid_utf8_is_400(shared_team: Team, raw: bytes) -> None:
    with shared_team.http as http:
        r = http.post("/api/events", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert "UTF-8" in r.json()["message"]


def test_other_bodies_with_invalid_utf8_are_400(shared_team: Team) -> None:
    with shared_team.http as http:
        r = http.post("/api/groups", content=b'{"id": "g\xff"}', headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert "UTF-8" in r.json()["message"]


def test_the_server_stays_up_after_them(shared_team: Team) -> None:
    assert httpx.get(shared_team.server.base_url + "/health").status_code == 200


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/api/events", b'{"type": "signup", "type": "login", "identity": {"id": "u1"}}'),
        ("/api/events", b'{"type": "signup", "identity": {"id": "u1", "data": {"plan": "free", "plan": "pro"}}}'),
        ("/api/groups", b'{"id": "g1", "attributes": {"name": "A", "name": "B"}}'),
    ],
)
def test_a_key_given_twice_is_refused(shared_team: Team, path: str, raw: bytes) -> None:
    """Which of the two values would count is a guess; the API refuses to make it."""
    with shared_team.http as http:
        r = http.post(path, content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert "twice" in r.json()["message"]


def test_every_field_of_the_writing_routes_is_bounded(shared_team: Team) -> None:
    shared_team.sdk().track("signup", identity="bounded-1")
    long_origin = "https://" + "a" * 100_000 + ".example.com"
    with shared_team.dashboard as http:
        r = http.post("/api/credentials", json={"name": "browser", "allowedOrigins": [long_origin]})
        assert r.status_code == 400 and "allowedOrigins" in r.json()["message"], r.text
        r = http.post("/api/credentials", json={"name": "x" * 101})
        assert r.status_code == 400, r.text
        r = http.post("/api/credentials", json={"name": "browser", "allowedOrigins": ["https://a.example"] * 51})
        assert r.status_code == 400, r.text
    with shared_team.http as http:
        for path, body in [
            ("/api/identities/bounded-1/actions/review", {"feedback": "x" * 2001}),
            ("/api/identities/bounded-1/actions/review", {"feedback": "nul \x00 inside"}),
            ("/api/datasets/CUSTOMER/blocked_domains/entries", {"key": "a\x00b.example"}),
            ("/api/datasets/CUSTOMER/blocked_domains/entries", {"key": "ok.example", "value": "v" * 501}),
            ("/api/mappings", {"kind": "EVENT_TYPE", "source": "s\x00", "target": "LOGIN"}),
            ("/api/mappings", {"kind": "EVENT_TYPE", "source": "s", "target": "LOGIN", "description": "d" * 501}),
            ("/api/groups", {"id": "g", "type": "t" * 33}),
        ]:
            r = http.request("PUT" if "entries" in path or "mappings" in path else "POST", path, json=body)
            assert r.status_code == 400, (path, body, r.text)
    with httpx.Client(base_url=shared_team.server.base_url) as http:
        body = {"email": "someone@example.com", "password": "long enough", "name": "N\x00", "team": "T"}
        assert http.post("/api/auth/signup", json=body).status_code == 400
        body = {**body, "name": "N", "team": "T" * 101}
        assert http.post("/api/auth/signup", json=body).status_code == 400
