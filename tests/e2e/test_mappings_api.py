"""Mappings: GLOBAL defaults out of the box, CUSTOMER overrides put and deleted by an
admin, applied to the events and identities tracked after them, per team."""

import time

from tests.support import LiveServer, Team, sign_up


def _mappings(team: Team, **params: str) -> list[dict]:  # type: ignore[type-arg]
    r = team.http.get("/api/mappings", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_global_defaults_are_listed(team: Team) -> None:
    found = {(m["kind"], m["source"], m["target"], m["scope"]) for m in _mappings(team)}
    assert ("EVENT_TYPE", "user.signup", "REGISTRATION", "GLOBAL") in found
    assert ("EVENT_TYPE", "login_failed", "LOGIN_FAILED", "GLOBAL") in found
    assert ("IDENTITY_FIELD", "email", "EMAIL", "GLOBAL") in found
    assert all(m["kind"] == "IDENTITY_FIELD" for m in _mappings(team, kind="identity_field"))
    assert _mappings(team, scope="CUSTOMER") == []


def test_a_customer_event_type_mapping_applies_to_new_events(team: Team) -> None:
    client = team.sdk()
    client.track("nuevo_usuario", identity="m1", event_id="before")
    r = team.http.put(
        "/api/mappings",
        json={"kind": "EVENT_TYPE", "source": "nuevo_usuario", "target": "REGISTRATION", "description": "es"},
    )
    assert r.status_code == 200, r.text
    mapping = r.json()
    assert mapping["scope"] == "CUSTOMER" and mapping["target"] == "REGISTRATION" and mapping["description"] == "es"
    client.track("nuevo_usuario", identity="m1", event_id="after")
    assert client.events.get("after").raw["canonicalType"] == "REGISTRATION"
    assert client.events.get("before").raw["canonicalType"] is None  # events keep the mapping of their time

    # Same source however spelled: the same mapping, overwritten.
    r = team.http.put("/api/mappings", json={"kind": "event_type", "source": "Nuevo-Usuario", "target": "LOGIN"})
    assert r.status_code == 200 and r.json()["id"] == mapping["id"] and r.json()["target"] == "LOGIN"
    (listed,) = _mappings(team, scope="CUSTOMER")
    assert listed["id"] == mapping["id"] and listed["target"] == "LOGIN" and listed["description"] is None

    assert team.http.delete(f"/api/mappings/{mapping['id']}").status_code == 204
    assert _mappings(team, scope="CUSTOMER") == []
    client.track("nuevo_usuario", identity="m1", event_id="deleted")
    assert client.events.get("deleted").raw["canonicalType"] is None
    assert team.http.delete(f"/api/mappings/{mapping['id']}").status_code == 404
    assert team.http.delete("/api/mappings/not-a-uuid").status_code == 404


def test_an_identity_field_mapping_feeds_display_and_scoring(team: Team) -> None:
    client = team.sdk()
    r = team.http.put("/api/mappings", json={"kind": "IDENTITY_FIELD", "source": "correo", "target": "EMAIL"})
    assert r.status_code == 200, r.text
    client.track("registro", identity="m2", identity_data={"correo": "abc@mailinator.com"})
    assert client.identities.get("m2").display_email == "abc@mailinator.com"
    client.identities.analyze("m2")
    deadline = time.monotonic() + 15
    while not list(client.identities.history("m2")):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    ids = {o.id for o in client.identities.analysis("m2").observations}
    assert "authenticity.disposable-email" in ids


def test_bad_mappings_are_refused_with_a_message(team: Team) -> None:
    for body in (
        {"kind": "EVENT_TYPE", "source": "x", "target": "NOT_A_TYPE"},
        {"kind": "IDENTITY_FIELD", "source": "x", "target": "REGISTRATION"},
        {"kind": "COLOUR", "source": "x", "target": "EMAIL"},
        {"kind": "EVENT_TYPE", "source": "  ", "target": "LOGIN"},
        {"kind": "EVENT_TYPE", "source": "x" * 129, "target": "LOGIN"},
        {"kind": "EVENT_TYPE", "target": "LOGIN"},
        {"kind": "EVENT_TYPE", "source": "x", "target": "LOGIN", "extra": 1},
    ):
        r = team.http.put("/api/mappings", json=body)
        assert r.status_code == 400, body
        assert r.json()["message"]
    assert _mappings(team, scope="CUSTOMER") == []
    assert team.http.get("/api/mappings", params={"scope": "OTHER"}).status_code == 400


def test_teams_do_not_share_mappings(team: Team, server: LiveServer) -> None:
    r = team.http.put("/api/mappings", json={"kind": "EVENT_TYPE", "source": "alta", "target": "REGISTRATION"})
    assert r.status_code == 200
    other = sign_up(server)
    assert _mappings(other, scope="CUSTOMER") == []
    assert other.http.delete(f"/api/mappings/{r.json()['id']}").status_code == 404
    other.sdk().track("alta", identity="x", event_id="alta-1")
    assert other.sdk().events.get("alta-1").raw["canonicalType"] is None
