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
