"""Security headers on every response, and two teams that cannot see each other."""

import pytest
from dregs import errors

from tests.support import LiveServer, Team, sign_up

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/identities", None),
        ("GET", "/api/identities/missing", None),
        ("GET", "/api/no-such-route", None),
        ("POST", "/api/events", b"{not json"),
        ("DELETE", "/api/events", None),
        ("GET", "/health", None),
    ],
)
def test_every_response_carries_security_headers_and_a_request_id(
    team: Team, method: str, path: str, body: bytes | None
) -> None:
    with team.http as http:
        r = http.request(method, path, content=body)
    for name, value in SECURITY_HEADERS.items():
        assert r.headers[name] == value
    assert "max-age=" in r.headers["strict-transport-security"]
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-request-id"].startswith("req_")
    if path.startswith("/api/"):
        assert r.headers["cache-control"] == "no-store"
    if r.status_code >= 400:
        assert r.headers["content-type"].startswith("application/json")
        assert isinstance(r.json()["message"], str) and r.json()["message"]


def test_request_ids_are_unique(team: Team) -> None:
    with team.http as http:
        ids = {http.get("/api/identities").headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5


def test_two_teams_cannot_read_list_or_guess_each_others_data(server: LiveServer) -> None:
    alice, bob = sign_up(server), sign_up(server)
    a, b = alice.sdk(), bob.sdk()
    a.track(
        "signup",
        identity="same-id",
        event_id="same-event",
        identity_data={"name": "Alice's user"},
        groups=[{"type": "team", "id": "same-group", "data": {"name": "Alice's group"}}],
    )
    b.track("signup", identity="bob-only", event_id="bob-event")

    # The same client ids in another team are separate objects.
    assert a.identities.get("same-id").display_name == "Alice's user"
    for call in (
        lambda: b.identities.get("same-id"),
        lambda: b.events.get("same-event"),
        lambda: b.groups.get("team", "same-group"),
        lambda: b.identities.scores("same-id"),
        lambda: b.identities.update("same-id", attributes={"x": 1}),
        lambda: b.groups.update("team", "same-group", {"x": 1}),
        lambda: b.groups.add_member("team", "same-group", "bob-only"),
    ):
        with pytest.raises(errors.NotFoundError):
            call()
    assert [i.id for i in b.identities.list_all()] == ["bob-only"]
    assert [e.id for e in b.events.list_all()] == ["bob-event"]
    assert list(b.groups.list_all()) == []
    assert list(b.identities.list(term="Alice")) == []
    # Bob re-using Alice's event id records Bob's own event.
    assert b.track("signup", identity="bob-only", event_id="same-event").id == "same-event"
    assert b.events.get("same-event").identity.id == "bob-only"
    assert a.events.get("same-event").identity.id == "same-id"
    # Credentials are per team too.
    with alice.dashboard as http:
        assert http.delete(f"/api/credentials/{bob.credential_id}").status_code == 404
        assert http.patch(f"/api/credentials/{bob.credential_id}", json={"enabled": False}).status_code == 404
        assert [c["id"] for c in http.get("/api/credentials").json()] == [alice.credential_id]
    assert a.identities.get("same-id").data == {"name": "Alice's user"}


def test_responses_never_contain_internal_fields(team: Team) -> None:
    client = team.sdk()
    client.track("signup", identity="u1", groups=[{"id": "g"}])
    with team.http as http:
        bodies = [
            http.get(p).text
            for p in (
                "/api/identities",
                "/api/identities/u1",
                "/api/events",
                "/api/groups",
                "/api/groups/organization/g",
            )
        ]
    container = team.server.container
    customer_id = container.accounts.credential_for_secret_key(team.secret_key).customer_id
    for text in bodies:
        for forbidden in (
            str(customer_id),
            customer_id.hex,
            "customer",
            "position",
            "search_text",
            "searchText",
            "password",
            "Hash",
        ):
            assert forbidden not in text
