"""Bad events get a clear 400 and change nothing."""

import pytest

from tests.support import Team

VALID = {"type": "signup", "identity": {"id": "u1", "data": {}}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "type"),
        ({"type": ""}, "type is required"),
        ({"type": 5, "identity": {"id": "u"}}, "Expected `str`"),
        ({"type": "x" * 129, "identity": {"id": "u"}}, "1 to 128"),
        ({"type": "signup"}, "identity.id is required"),
        ({**VALID, "id": "dregs-123"}, "reserved"),
        ({**VALID, "id": "x" * 65}, "1 to 64"),
        ({**VALID, "identity": {"id": ""}}, "identity.id must be"),
        ({**VALID, "identity": {"id": "x" * 256}}, "identity.id must be"),
        ({**VALID, "data": {f"k{i}": i for i in range(101)}}, "at most 100"),
        ({**VALID, "data": {"big": "x" * 2000}}, "at most 1024 bytes"),
        ({**VALID, "data": "not an object"}, "Expected `object"),
        ({**VALID, "timestamp": "yesterday"}, "ISO-8601"),
        ({**VALID, "timestamp": "1999-12-31T23:59:59Z"}, "before 2000"),
        ({**VALID, "timestamp": "2999-01-01T00:00:00Z"}, "future"),
        (
            {**VALID, "groups": [{"type": "ParentCompany", "id": "1"}, {"type": "parent-company", "id": "2"}]},
            "one group per type",
        ),
        ({**VALID, "groups": [{"type": "t", "id": ""}]}, "group id"),
        ({**VALID, "groups": [{"type": "---", "id": "1"}]}, "letter or digit"),
        ({**VALID, "groups": [{"type": f"t{i}", "id": "1"} for i in range(11)]}, "at most 10 groups"),
        ({**VALID, "groups": {"type": "t", "id": "1"}}, "Expected `array"),
        ({**VALID, "source": "s" * 65}, "source"),
    ],
)
def test_malformed_events_are_400_with_a_message(shared_team: Team, body: dict, message: str) -> None:
    with shared_team.http as http:
        r = http.post("/api/events", json=body)
    assert r.status_code == 400, r.text
    assert message in r.json()["message"]


@pytest.mark.parametrize(
    "raw", [b"", b"[]", b"null", b"{", b"\xff\xfe", b'{"type": "x", "identity": {"id": "u"}} trailing']
)
def test_undecodable_bodies_are_400(shared_team: Team, raw: bytes) -> None:
    with shared_team.http as http:
        r = http.post("/api/events", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["message"]


def test_oversized_body_is_400(shared_team: Team) -> None:
    with shared_team.http as http:
        r = http.post("/api/events", content=b'{"type":"x","data":{"a":"' + b"x" * 40_000 + b'"}}')
    assert r.status_code == 400 and "too large" in r.json()["message"]


def test_a_rejected_event_changes_nothing(shared_team: Team) -> None:
    client = shared_team.sdk()
    client.track("signup", identity="u1", identity_data={"name": "Ada"}, event_id="keep")
    with shared_team.http as http:
        bad = http.post(
            "/api/events",
            json={
                "id": "keep",
                "type": "signup",
                "identity": {"id": "u1", "data": {"name": "Eve"}},
                "data": {"big": "x" * 2000},
            },
        )
        assert bad.status_code == 400
    assert client.identities.get("u1").data == {"name": "Ada"}
    assert [e.id for e in client.events.list(identity="u1")] == ["keep"]


def test_both_utc_timestamp_forms_and_offsets_are_accepted(shared_team: Team) -> None:
    with shared_team.http as http:
        for n, stamp in enumerate(["2026-09-21T14:22:09Z", "2026-09-21T14:22:09.123456Z", "2026-09-21T16:22:09+02:00"]):
            r = http.post("/api/events", json={**VALID, "id": f"t{n}", "timestamp": stamp})
            assert r.status_code == 200, r.text
        stamps = [http.get(f"/api/events/t{n}").json()["timestamp"] for n in range(3)]
    assert stamps == ["2026-09-21T14:22:09.000Z", "2026-09-21T14:22:09.123Z", "2026-09-21T14:22:09.000Z"]
