"""Parameters and bodies are checked against what the OpenAPI document declares, and a broken bound is a
400 whose message names the parameter and the bound."""

import pytest

from tests.support import Team


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/identities?pageNumber=-1", "pageNumber must be between 0 and 10000000"),
        ("/api/identities?pageNumber=abc", "pageNumber must be a whole number"),
        ("/api/identities?pageSize=0", "pageSize must be between 1 and 1000000"),
        ("/api/events?order=sideways", "order must be ASC or DESC"),
        ("/api/groups?term=" + "t" * 201, "term must be at most 200 characters long"),
        ("/api/devices?identity=a%00b", "identity must not contain NUL characters"),
        ("/api/identities/u1/history?limit=0", "limit must be between 1 and 500"),
        ("/api/identities/u1/history?limit=501", "limit must be between 1 and 500"),
        ("/api/mappings?kind=colour", "kind must be EVENT_TYPE or IDENTITY_FIELD"),
        ("/api/mappings?scope=mine", "scope must be GLOBAL or CUSTOMER"),
        ("/api/datasets/CUSTOMER/blocked/entries?offset=-1", "offset must be between 0 and 10000000"),
    ],
)
def test_a_broken_bound_is_a_400_naming_it(shared_team: Team, path: str, message: str) -> None:
    with shared_team.http as http:
        r = http.get(path)
    assert r.status_code == 400, r.text
    assert r.json()["message"] == message


def test_paging_accepts_what_the_contract_allows(shared_team: Team) -> None:
    with shared_team.http as http:
        assert http.get("/api/identities?pageSize=1000").json()["pageSize"] == 100  # clamped, not refused
        assert http.get("/api/identities?order=asc&sort=LASTTRACKEDAT").status_code == 200


def test_bodies_are_decoded_strictly(shared_team: Team) -> None:
    shared_team.sdk().track("signup", identity="strict-1")
    with shared_team.http as http:
        # Litestar's own decoding would take "true" for true and "1" for 1: the API does not.
        r = http.patch("/api/identities/strict-1", json={"disregarded": "true"})
        assert r.status_code == 400 and "Expected `bool`, got `str` - at `$.disregarded`" in r.json()["message"]
        r = http.post("/api/groups", json={"id": "g", "attributes": "x"})
        assert r.status_code == 400 and "$.attributes" in r.json()["message"]
        r = http.patch("/api/identities/strict-1", content=b"", headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["message"] == "A JSON body is required"
        # A review's body may be left out (the SDK sends {} or nothing).
        assert http.post("/api/identities/strict-1/actions/review").status_code == 201


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/api/devices/d1", {"GET", "PATCH", "OPTIONS"}),
        ("/api/groups", {"GET", "POST", "OPTIONS"}),
        ("/api/groups/team/g1/identities/u1", {"PUT", "DELETE", "OPTIONS"}),
        ("/api/mappings", {"GET", "PUT", "OPTIONS"}),
    ],
)
def test_options_lists_every_method_of_the_path(shared_team: Team, path: str, methods: set[str]) -> None:
    with shared_team.http as http:
        r = http.options(path)
    assert r.status_code == 204, r.text
    assert set(r.headers["allow"].replace(" ", "").split(",")) == methods
