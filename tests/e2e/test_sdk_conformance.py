"""The official SDK, unmodified, against a live server (contract §17)."""

from datetime import UTC, datetime

import httpx
import pytest
from dregs import errors

from tests.support import Team


def test_track_generates_nothing_and_returns_the_sent_id(team: Team) -> None:
    result = team.sdk().track("user.signup", identity="user_12345")
    assert result.accepted
    assert result.status == "success"
    assert len(result.id) == 32 and result.fingerprint is None
    assert team.sdk().events.get(result.id).name == "user.signup"


def test_retracking_an_id_records_one_event(team: Team) -> None:
    client = team.sdk()
    first = client.track("purchase", identity="user_12345", event_id="order-1", data={"amount": 1})
    second = client.track("purchase", identity="user_12345", event_id="order-1", data={"amount": 999})
    assert first.id == second.id == "order-1"
    events = list(client.events.list(identity="user_12345"))
    assert [e.id for e in events] == ["order-1"]
    assert events[0].data == {"amount": 1}  # the original answers, the retry changed nothing


def test_groups_on_events_are_normalized_upserted_and_joined(team: Team) -> None:
    client = team.sdk()
    client.track(
        "user.login",
        identity="u1",
        groups=[{"id": "org_678", "data": {"name": "Acme"}}, {"type": "Team", "id": "team_42"}],
        timestamp=datetime(2026, 9, 21, 14, 22, 9),
    )
    assert client.groups.get("team", "team_42").type == "team"
    org = client.groups.get("organization", "org_678")
    assert org.display_name == "Acme" and org.identity_count == 1
    assert {g.id for g in client.groups.list(identity="u1")} == {"org_678", "team_42"}
    client.track("user.login", identity="u2", groups=[{"type": "organization", "id": "org_678", "data": {"plan": "x"}}])
    org = client.groups.get("organization", "org_678")
    assert org.identity_count == 2 and org.data == {"name": "Acme", "plan": "x"}
    event = next(iter(client.events.list(identity="u1")))
    assert {(g.type, g.id, g.label) for g in event.groups} == {
        ("organization", "org_678", "Acme"),
        ("team", "team_42", None),
    }
    assert event.identity.id == "u1"


def test_timestamps_round_trip(team: Team) -> None:
    client = team.sdk()
    moment = datetime(2026, 9, 21, 14, 22, 9, 123456, tzinfo=UTC)
    result = client.track("x", identity="u1", timestamp=moment)
    got = client.events.get(result.id).timestamp
    assert got == moment.replace(microsecond=123000)
    identity = client.identities.get("u1")
    assert identity.created_at == got and identity.last_tracked_at == got


def test_identity_data_merges_and_display_fields_come_from_mappings(team: Team) -> None:
    client = team.sdk()
    client.track("signup", identity="u1", identity_data={"first_name": "Ada", "lastName": "Lovelace", "plan": "free"})
    client.track("login", identity="u1", identity_data={"Email": "ada@example.com", "username": "ada"})
    identity = client.identities.get("u1")
    assert identity.display_name == "Ada Lovelace"
    assert identity.display_email == "ada@example.com"
    assert identity.display_username == "ada"
    assert identity.data == {
        "first_name": "Ada",
        "lastName": "Lovelace",
        "plan": "free",
        "Email": "ada@example.com",
        "username": "ada",
    }
    assert identity.disregarded is False and list(identity.badges) == []


# (`..` is not here: clients remove dot segments from URLs before sending, per RFC 3986.)
@pytest.mark.parametrize("identity_id", ["ada@example.com", "a/b", "a/b c?d#e%f+g~h", "ünï cødé", "a%2Fb", "x/../y"])
def test_ids_with_any_characters(team: Team, identity_id: str) -> None:
    client = team.sdk()
    client.track(
        "signup", identity=identity_id, event_id="ev " + identity_id[:40], groups=[{"type": "Team", "id": identity_id}]
    )
    assert client.identities.get(identity_id).id == identity_id
    assert client.events.get("ev " + identity_id[:40]).identity.id == identity_id
    assert client.groups.get("team", identity_id).id == identity_id
    assert [i.id for i in client.identities.list(term=identity_id)] == [identity_id]


def test_unknown_resources_are_not_found_with_a_request_id(team: Team) -> None:
    client = team.sdk()
    with pytest.raises(errors.NotFoundError) as caught:
        client.identities.get("nope")
    assert caught.value.message == "Identity not found"
    assert caught.value.request_id.startswith("req_")
    for call in (
        lambda: client.events.get("nope"),
        lambda: client.groups.get("team", "nope"),
        lambda: client.devices.get("nope"),
        lambda: client.identities.scores("nope"),
        lambda: client.identities.update("nope", attributes={}),
        lambda: client.groups.update("team", "nope", {"a": 1}),
    ):
        with pytest.raises(errors.NotFoundError):
            call()


def test_scores_are_an_empty_array_before_any_analysis(team: Team) -> None:
    client = team.sdk()
    client.track("signup", identity="user_12345")
    scores = client.identities.scores("user_12345")
    assert len(scores) == 0 and scores.humanity is None


def test_patch_identity_merges_attributes_and_disregards(team: Team) -> None:
    client = team.sdk()
    client.track("signup", identity="u1", identity_data={"name": "Ada", "plan": "free"})
    updated = client.identities.update("u1", attributes={"plan": "pro"})
    assert updated.data == {"name": "Ada", "plan": "pro"}
    assert updated.disregarded is False
    updated = client.identities.update("u1", disregarded=True)
    assert updated.disregarded is True and updated.data["plan"] == "pro"
    assert client.identities.get("u1").disregarded is True
    assert client.identities.update("u1", disregarded=False, attributes={}).disregarded is False


def test_list_filters_sort_and_paginate(team: Team) -> None:
    client = team.sdk()
    for n in range(7):
        client.track(
            "signup",
            identity=f"user-{n}",
            identity_data={"name": f"Person {n}"},
            timestamp=datetime(2026, 1, 1, 0, 0, n),
            groups=[{"type": "team", "id": "even" if n % 2 == 0 else "odd"}],
        )
    page = client.identities.list(page_size=3)
    assert (page.page_number, page.page_size, page.total_pages, page.total_elements) == (0, 3, 3, 7)
    assert page.first is True and page.last is False and page.has_next
    assert [i.id for i in page] == ["user-6", "user-5", "user-4"]  # lastTrackedAt DESC by default
    walked = [i.id for i in client.identities.list_all(page_size=2, sort="lastTrackedAt", order="asc")]
    assert walked == [f"user-{n}" for n in range(7)]
    assert [i.id for i in client.identities.list(group="even", group_type="team", sort="displayName", order="asc")] == [
        "user-0",
        "user-2",
        "user-4",
        "user-6",
    ]
    assert {i.id for i in client.identities.list(term="PERSON 3")} == {"user-3"}
    assert list(client.identities.list(badge="behavior.account-takeover-signal")) == []
    assert list(client.identities.list(device="no-such-device")) == []
    past_end = client.identities.list(page=9, page_size=3)
    assert list(past_end) == [] and past_end.last is True
    assert [e.identity.id for e in client.events.list(group="odd", sort="timestamp", order="asc")] == [
        "user-1",
        "user-3",
        "user-5",
    ]
    assert len(list(client.events.list_all(page_size=2))) == 7
    assert {e.identity.id for e in client.events.list(term="signup", group_type="team")} == {
        f"user-{n}" for n in range(7)
    }
    assert [g.id for g in client.groups.list(group_type="team", sort="displayName", order="asc")] in (
        ["even", "odd"],
        ["odd", "even"],
    )


def test_events_read_model_shapes(team: Team) -> None:
    client = team.sdk()
    client.track(
        "user.signup",
        identity="u1",
        data={"plan": "pro", "password": "hunter22", "card": "4111 1111 1111 1111"},
        source="backfill",
        event_id="e-1",
    )
    event = client.events.get("e-1")
    assert event.name == "user.signup" and event.source == "backfill" and event.canonical_type == "REGISTRATION"
    assert event.data == {"plan": "pro", "password": "[REDACTED]", "card": "[REDACTED]"}
    assert event.identity.path == "/api/identities/u1"
    assert client.events.get(client.track("something.custom", identity="u1").id).canonical_type is None


def test_groups_create_update_and_membership(team: Team) -> None:
    client = team.sdk()
    client.track("signup", identity="user_12345")
    created = client.groups.create("org_678")
    assert (created.type, created.id, created.identity_count, created.data) == ("organization", "org_678", 0, {})
    again = client.groups.create("org_678", attributes={"name": "Acme Inc"})
    assert again.display_name == "Acme Inc" and again.data == {"name": "Acme Inc"}
    assert client.groups.update("organization", "org_678", {"plan": "business"}).data == {
        "name": "Acme Inc",
        "plan": "business",
    }
    assert client.groups.create("p1", group_type="parent-company").type == "parent_company"
    assert client.groups.get("ParentCompany", "p1").type == "parent_company"
    assert [g.id for g in client.groups.list(group_type="ParentCompany")] == ["p1"]
    assert [g.id for g in client.groups.list(group_type="organization")] == ["org_678"]
    client.groups.add_member("organization", "org_678", "user_12345")
    client.groups.add_member("organization", "org_678", "user_12345")
    assert client.groups.get("organization", "org_678").identity_count == 1
    assert [i.id for i in client.identities.list(group="org_678")] == ["user_12345"]
    client.groups.remove_member("organization", "org_678", "user_12345")
    client.groups.remove_member("organization", "org_678", "user_12345")
    assert client.groups.get("organization", "org_678").identity_count == 0
    with pytest.raises(errors.NotFoundError):
        client.groups.add_member("organization", "org_678", "nobody")
    with pytest.raises(errors.NotFoundError):
        client.groups.remove_member("organization", "missing", "user_12345")
    summary = next(iter(client.groups.list(term="acme")))
    assert summary.id == "org_678" and summary.data == {}  # lists omit attributes


def test_group_create_status_codes(team: Team) -> None:
    with team.http as http:
        body = {"type": "organization", "id": "g1", "attributes": {}}
        assert http.post("/api/groups", json=body).status_code == 201
        assert http.post("/api/groups", json=body).status_code == 200


def test_devices_are_empty_until_the_tracker_reports_them(team: Team) -> None:
    client = team.sdk()
    page = client.devices.list(identity="user_12345", term="Chrome")
    assert list(page) == [] and page.last is True
    with pytest.raises(errors.NotFoundError):
        client.devices.update("a1b2c3d4e5", disregarded=True)


def test_errors_map_to_sdk_classes(team: Team) -> None:
    with pytest.raises(errors.AuthenticationError):
        type(team.sdk())("sk_wrong", base_url=team.server.api, max_retries=0).identities.list()
    with team.http as http:
        r = http.post("/api/events", json={"type": ""})
        assert r.status_code == 400 and r.json()["message"]
        r = http.get("/api/identities", params={"sort": "nonsense"})
        assert r.status_code == 400 and "cannot sort by" in r.json()["message"]
        assert http.get("/api/identities", params={"pageSize": "0", "pageNumber": "0"}).status_code == 400
        assert http.get("/api/identities", params={"pageSize": "1000"}).json()["pageSize"] == 100


def test_no_redirects_and_no_trailing_slash_routes(team: Team) -> None:
    with team.http as http:
        for path in ("/api/identities/", "/api/events/"):
            assert http.get(path).status_code < 300 or http.get(path).status_code >= 400
            assert not 300 <= http.get(path).status_code < 400


def test_successful_bodies_never_claim_rate_limits(team: Team) -> None:
    with team.http as http:
        r = http.post("/api/events", json={"type": "x", "identity": {"id": "u"}})
        assert r.json()["status"] == "success"


def test_query_strings_decode_form_style(team: Team) -> None:
    client = team.sdk()
    client.track("signup", identity="ex ample+1@x.com")
    assert [i.id for i in client.identities.list(term="ex ample+1@x.com")] == ["ex ample+1@x.com"]


def test_raw_http_numeric_identity_ids_become_strings(team: Team) -> None:
    with team.http as http:
        r = http.post("/api/events", json={"type": "signup", "identity": {"id": 678, "data": {}}})
        assert r.status_code == 200, r.text
        assert http.get("/api/identities/678").json()["id"] == "678"


def test_empty_event_id_gets_a_server_id(team: Team) -> None:
    with team.http as http:
        r = http.post("/api/events", json={"id": "", "type": "signup", "identity": {"id": "u"}})
        assert r.status_code == 200 and r.json()["id"].startswith("dregs-")


def test_async_client_speaks_the_same(team: Team) -> None:
    import asyncio

    from dregs import AsyncDregs

    async def run() -> str:
        async with AsyncDregs(team.secret_key, base_url=team.server.api, max_retries=0) as client:
            await client.track("signup", identity="async-user")
            return (await client.identities.get("async-user")).id

    assert asyncio.run(run()) == "async-user"


def test_health(team: Team) -> None:
    assert httpx.get(team.server.base_url + "/health").status_code == 200
