"""Properties of the live HTTP API, on SQLite and on PostgreSQL:

(a) ids made of any printable characters round-trip through the official SDK;
(b) no body, however malformed, makes a write endpoint answer 5xx, and every
    4xx is JSON with a message;
(c) a rejected body changes nothing.

The generated bodies never carry NUL characters, transcoder-envelope objects,
far-off timestamps, deep nesting or broken origin URLs: those are known bugs
(tests at the end and in test_properties_projection.py), and the first two
would stop the shared server's projection for every later test."""

import json
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from dregs import Dregs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st

from tests.support import PASSWORD, LiveServer, Team, sign_up


def api_settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Fixture:
    server: LiveServer
    team: Team
    sdk: Dregs
    http: httpx.Client  # the team's secret key
    dashboard: httpx.Client  # the team admin's session
    anonymous: httpx.Client
    seen_event_ids: set[str]

    def heads(self) -> tuple[int, int]:
        container = self.server.container
        return (
            container.tracking.recorder.max_notification_id() or 0,
            container.accounts.recorder.max_notification_id() or 0,
        )


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[Fixture]:
    team = sign_up(server)
    sdk = team.sdk()
    http, dashboard = team.http, team.dashboard
    anonymous = httpx.Client(base_url=server.base_url)
    sdk.track("signup", identity="patch-target", identity_data={"name": "Ada", "plan": "pro"})
    sdk.track("signup", identity="fuzz-target", groups=[{"type": "team", "id": "fuzz-group", "data": {"name": "Blue"}}])
    try:
        yield Fixture(server, team, sdk, http, dashboard, anonymous, set())
    finally:
        for client in (http, dashboard, anonymous):
            client.close()
        sdk.close()


# --- (a) ids round-trip ----------------------------------------------------------------

printable = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))
special = st.sampled_from(
    list("/@+ %?#&=;:,.~'\"<>\\[]{}|^`") + ["%2F", "%25", "%%", "..", "é", "日本", "🙂", "\u00a0"]
)
id_chars = st.one_of(printable, special)


def ids(max_size: int) -> st.SearchStrategy[str]:
    # "." and ".." are dot segments: the SDK puts them in the path unescaped and httpx
    # resolves them away (see test_dot_segment_ids_are_reachable_when_escaped).
    return (
        st.lists(id_chars, min_size=1, max_size=max_size)
        .map("".join)
        .map(lambda s: s[:max_size])
        .filter(lambda s: s not in (".", ".."))
    )


event_ids = ids(64).filter(lambda s: not s.startswith("dregs-"))


@given(identity=ids(255), event_id=event_ids, group_id=ids(255))
@example(identity="a/b@c+d e%f?g#h", event_id="ü/%2F?#+ @", group_id="acme/eu west?x#1%")
@example(identity="x" * 254 + "/", event_id="é" * 64, group_id="🙂" * 255)
@api_settings(20)
def test_ids_round_trip_through_the_sdk(api: Fixture, identity: str, event_id: str, group_id: str) -> None:
    api.sdk.track("signup", identity=identity, groups=[{"type": "team", "id": group_id}])
    result = api.sdk.track("login", identity=identity, event_id=event_id, data={"n": 1})
    assert result.accepted
    assert result.id == event_id
    assert api.sdk.identities.get(identity).id == identity
    tracked = api.sdk.events.get(event_id)
    assert tracked.id == event_id
    if event_id not in api.seen_event_ids:  # a repeated id is a replay of the first event
        assert tracked.identity is not None and tracked.identity.id == identity
        # The server's own link leads back to the identity.
        linked = api.http.get(tracked.raw["identity"]["path"])
        assert linked.status_code == 200 and linked.json()["id"] == identity
    api.seen_event_ids.add(event_id)
    assert api.sdk.groups.get("team", group_id).id == group_id
    assert api.sdk.groups.get("Team", group_id).id == group_id  # the path's type is normalized too


def test_dot_segment_ids_are_reachable_when_escaped(api: Fixture) -> None:
    for identity in (".", ".."):
        api.sdk.track("signup", identity=identity)
        r = api.http.get("/api/identities/" + identity.replace(".", "%2E"))
        assert r.status_code == 200 and r.json()["id"] == identity


def test_server_links_to_dot_segment_ids_resolve(api: Fixture) -> None:
    api.sdk.track("login", identity="..", event_id="dot-link-event")
    event = api.http.get("/api/events/dot-link-event").json()
    r = api.http.get(event["identity"]["path"])
    assert r.status_code == 200 and r.json()["id"] == ".."


# --- (b) malformed bodies never answer 5xx ----------------------------------------------

safe_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20)
keys = safe_text | st.sampled_from(
    [
        "type",
        "id",
        "data",
        "identity",
        "groups",
        "attributes",
        "disregarded",
        "email",
        "password",
        "name",
        "team",
        "allowedOrigins",
        "timestamp",
        "source",
    ]
)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | safe_text
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4), max_leaves=20
)


@st.composite
def near(
    draw: st.DrawFn, fields: dict[str, tuple[st.SearchStrategy[Any], st.SearchStrategy[Any], bool]]
) -> dict[str, Any]:
    """A valid object (required fields, some optional ones), then zero to two mutations:
    a field dropped, set to a value at or past a limit, set to any JSON, or an unknown field added."""
    obj: dict[str, Any] = {}
    for name, (good, _, required) in fields.items():
        if required or draw(st.booleans()):
            obj[name] = draw(good)
    for _ in range(draw(st.integers(0, 2))):
        how = draw(st.sampled_from(["drop", "edge", "edge", "any", "unknown"]))
        name = draw(st.sampled_from(sorted(fields)))
        if how == "drop":
            obj.pop(name, None)
        elif how == "edge":
            obj[name] = draw(fields[name][1])
        elif how == "any":
            obj[name] = draw(json_values)
        else:
            obj[draw(keys)] = draw(json_values)
    return obj


def text(min_size: int = 1, max_size: int = 20) -> st.SearchStrategy[str]:
    return st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=min_size, max_size=max_size
    )


good_attributes = st.dictionaries(
    text(max_size=12) | st.sampled_from(["name", "email", "password", "tokens_used"]), json_values, max_size=5
)
edge_attributes = st.one_of(
    st.builds(lambda n: {f"k{i}": i for i in range(n)}, st.integers(99, 102)),
    st.builds(lambda n: {"big": "x" * n}, st.integers(1020, 1030)),
    st.builds(lambda n: {"wide": "é" * n}, st.integers(510, 514)),
    st.sampled_from([{"": 1}, {"k" * 128: 1}, {"k" * 129: 1}, [], "text", 1, None]),
)
iso_times = st.datetimes(
    min_value=datetime(2001, 1, 1),
    max_value=datetime(2025, 1, 1),
    timezones=st.none() | st.just(timezone(timedelta(hours=-5))),
).map(datetime.isoformat)
edge_times = st.sampled_from(
    [
        "1999-12-31T23:59:59Z",
        "2000-01-01T00:00:00Z",
        "2100-01-01T00:00:00",
        "not a time",
        "2026-13-01T00:00:00",
        "",
        "1e3",
        "2020-01-01",
        "12:00",
    ]
)
ids_or_ints = text() | st.integers(-(2**70), 2**70)
edge_ids = st.sampled_from(["", "x" * 255, "x" * 256, None, [], {}, 1.5, True])
group_types = (
    st.none()
    | st.sampled_from(["team", "ParentCompany", "project", "x" * 64])
    | st.text(string.ascii_letters + "-_ ", min_size=1, max_size=20)
)
edge_group_types = st.sampled_from(["", "!!", "x" * 65, "aA", 5, [], "Parent Company"])
group_objects = near(
    {
        "id": (ids_or_ints, edge_ids, True),
        "type": (group_types, edge_group_types, False),
        "data": (good_attributes, edge_attributes, False),
    }
)
edge_group_lists = st.sampled_from(
    [
        [{"id": f"g{i}", "type": f"type{i}"} for i in range(11)],
        [{"id": "a", "type": "ParentCompany"}, {"id": "b", "type": "parent-company"}],
        [{"id": "a"}, {"id": "b", "type": "organization"}],
        [{"type": "team"}],
        [None],
        {},
        "team",
    ]
)
valid_origins = st.sampled_from(["https://app.example.com", "http://localhost:3000", "https://a.example.com:8443/"])
edge_origins = st.sampled_from(
    [
        ["ftp://x"],
        ["https://a.com/path"],
        ["https://u@a.com"],
        ["https://a.com?q"],
        ["no-scheme.com"],
        [""],
        [5],
        ["https://app.example.com"] * 51,
    ]
) | st.lists(
    text(max_size=25).filter(lambda o: "[" not in o and "]" not in o), max_size=3
)  # see test_malformed_origin_is_a_400
passwords = st.sampled_from([PASSWORD]) | text(8, 30)
edge_passwords = st.sampled_from(["", "short", "x" * 72, "x" * 73, "é" * 36, "é" * 37])
edge_names = st.sampled_from(["", " ", "n" * 100, "n" * 101])

STRUCTURED: dict[str, st.SearchStrategy[Any]] = {
    "events": near(
        {
            "type": (
                st.sampled_from(["signup", "user.login", "custom"]) | text(),
                st.sampled_from(["", " ", "t" * 128, "t" * 129]),
                True,
            ),
            "id": (st.none() | text(), st.sampled_from(["dregs-x", "e" * 64, "e" * 65, "", "Dregs-x"]), False),
            "data": (good_attributes, edge_attributes, False),
            "identity": (
                near({"id": (ids_or_ints, edge_ids, True), "data": (good_attributes, edge_attributes, False)}),
                st.sampled_from([None, {}, "u1", []]),
                True,
            ),
            "source": (st.none() | text(), st.sampled_from(["s" * 64, "s" * 65, ""]), False),
            "groups": (st.lists(group_objects, max_size=3), edge_group_lists, False),
            "timestamp": (st.none() | iso_times, edge_times, False),
        }
    ),
    "identity": near(
        {
            "disregarded": (st.booleans(), st.sampled_from([None, "true", 1, 0]), False),
            "attributes": (good_attributes, edge_attributes, False),
        }
    ),
    "group_create": near(
        {
            "id": (ids_or_ints, edge_ids, True),
            "type": (group_types, edge_group_types, False),
            "attributes": (good_attributes, edge_attributes, False),
        }
    ),
    "group_patch": near({"attributes": (good_attributes, edge_attributes, True)}),
    "device": near({"disregarded": (st.booleans(), st.sampled_from([None, "no", 1]), True)}),
    "signup": near(
        {
            "email": (st.emails(), st.sampled_from(["", "a@b", "@example.com", "ada", "a@b@c.com"]), True),
            "password": (passwords, edge_passwords, True),
            "name": (text(), edge_names, True),
            "team": (text(), edge_names, True),
        }
    ),
    "login": near(
        {
            "email": (st.emails() | st.just("ADMIN@EXAMPLE.COM"), st.sampled_from(["", "ada", "a@b@c"]), True),
            "password": (passwords, edge_passwords, True),
        }
    ),
    "credentials": near(
        {
            "name": (text(), edge_names, True),
            "allowedOrigins": (st.lists(valid_origins, max_size=3), edge_origins, False),
        }
    ),
}


def bodies(kind: str) -> st.SearchStrategy[bytes]:
    return st.one_of(
        STRUCTURED[kind].map(lambda v: json.dumps(v).encode()),
        STRUCTURED[kind].map(lambda v: json.dumps(v, ensure_ascii=False).encode()),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=200).filter(lambda b: b"\\u0000" not in b),
        st.sampled_from([b"", b" ", b"null", b"{}", b"[]", b"{", b'{"a":1}x', b"\xff\xfe", b'"text"', b"1e999"]),
    )


ENDPOINTS = [
    # (client, method, path, body kind, examples)
    ("http", "POST", "/api/events", "events", 40),
    ("http", "PATCH", "/api/identities/fuzz-target", "identity", 25),
    ("http", "POST", "/api/groups", "group_create", 25),
    ("http", "PATCH", "/api/groups/team/fuzz-group", "group_patch", 20),
    ("http", "PATCH", "/api/devices/no-such-device", "device", 15),
    ("anonymous", "POST", "/api/auth/signup", "signup", 10),
    ("anonymous", "POST", "/api/auth/login", "login", 8),
    ("dashboard", "POST", "/api/credentials", "credentials", 20),
]


def assert_well_formed_answer(r: httpx.Response) -> None:
    assert r.status_code < 500, (r.status_code, r.text)
    if r.status_code >= 400:
        assert r.headers["content-type"].startswith("application/json"), r.headers
        body = r.json()
        assert isinstance(body, dict)
        assert isinstance(body.get("message"), str) and body["message"].strip(), body
        assert body.get("status") == r.status_code


@pytest.mark.parametrize(
    ("client", "method", "path", "kind", "examples"), ENDPOINTS, ids=[f"{m} {p}" for _, m, p, _, _ in ENDPOINTS]
)
def test_malformed_bodies_never_answer_5xx(
    api: Fixture, client: str, method: str, path: str, kind: str, examples: int
) -> None:
    http: httpx.Client = getattr(api, client)

    @given(body=bodies(kind), content_type=st.sampled_from(["application/json", "text/plain", None]))
    @api_settings(examples)
    def check(body: bytes, content_type: str | None) -> None:
        before = api.heads()
        headers = {"content-type": content_type} if content_type else {}
        r = http.request(method, path, content=body, headers=headers)
        hypothesis_event(f"answered {r.status_code}")
        assert_well_formed_answer(r)
        if r.status_code >= 400:
            assert api.heads() == before, "a rejected request wrote to an event log"

    check()


def test_an_oversized_event_body_is_a_400(api: Fixture) -> None:
    body = json.dumps({"type": "x", "identity": {"id": "u"}, "data": {f"k{i}": "v" * 400 for i in range(90)}})
    r = api.http.post("/api/events", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert_well_formed_answer(r)


# --- (c) a rejected PATCH changes nothing ----------------------------------------------

valid_attributes = st.dictionaries(
    st.sampled_from(["name", "email", "plan", "note"]), safe_text, min_size=1, max_size=3
)
invalid_parts = st.one_of(
    st.builds(lambda n: {"attributes": {f"k{i}": i for i in range(n)}}, st.integers(101, 130)),
    st.builds(lambda n: {"attributes": {"big": "x" * n}}, st.integers(1023, 3000)),
    st.sampled_from(
        [
            {"attributes": {"": 1}},
            {"attributes": {"k" * 129: 1}},
            {"attributes": []},
            {"attributes": "name"},
            {"disregarded": "yes"},
            {"disregarded": 1},
            {"disregarded": {}},
            {"bogus": True},
            {"disregarded": None, "attributes": None},
        ]
    ),
)


@st.composite
def rejected_patches(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 5)) == 0:
        return draw(st.sampled_from([b"", b"{", b"[]", b"null", b'"x"', b"\xff", b"{}"]))
    body: dict[str, Any] = {}
    # A valid change alongside, which must not be applied either.
    if draw(st.booleans()):
        body["attributes"] = draw(valid_attributes)
    if draw(st.booleans()):
        body["disregarded"] = True
    body.update(draw(invalid_parts))
    return json.dumps(body).encode()


@given(body=rejected_patches())
@api_settings(25)
def test_a_rejected_patch_changes_nothing(api: Fixture, body: bytes) -> None:
    path = "/api/identities/patch-target"
    before = api.http.get(path)
    assert before.status_code == 200
    heads = api.heads()
    r = api.http.patch(path, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert_well_formed_answer(r)
    assert api.heads() == heads
    after = api.http.get(path)
    assert _patchable(after.json()) == _patchable(before.json())
    assert after.json()["data"] == {"name": "Ada", "plan": "pro"} and after.json()["disregarded"] is False


def _patchable(identity: dict[str, Any]) -> dict[str, Any]:
    """The identity without what the scoring process may write meanwhile, asynchronously."""
    return {k: v for k, v in identity.items() if not k.endswith("Score") and k not in ("lastScoredAt", "badges")}


def test_an_accepted_patch_does_change_the_identity(api: Fixture) -> None:
    """The counterpart of the property above: the same endpoint does apply a valid body."""
    api.sdk.track("signup", identity="patch-accepted", identity_data={"name": "Ada"})
    r = api.http.patch("/api/identities/patch-accepted", json={"attributes": {"plan": "team"}, "disregarded": True})
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"name": "Ada", "plan": "team"} and r.json()["disregarded"] is True


# --- known 5xx answers -------------------------------------------------------------------


@pytest.mark.parametrize("timestamp", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"])
def test_out_of_range_timestamp_is_a_400(api: Fixture, timestamp: str) -> None:
    r = api.http.post("/api/events", json={"type": "x", "identity": {"id": "u"}, "timestamp": timestamp})
    assert_well_formed_answer(r)
    assert r.status_code == 400


@pytest.mark.parametrize("origin", ["http://[::1", "http://a:99999", "https://a:port"])
def test_malformed_origin_is_a_400(api: Fixture, origin: str) -> None:
    r = api.dashboard.post("/api/credentials", json={"name": "web", "allowedOrigins": [origin]})
    assert_well_formed_answer(r)
    assert r.status_code == 400


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("POST", "/api/events", '{"type":"x","identity":{"id":"u"},"data":{"a":%s}}'),
        ("PATCH", "/api/identities/fuzz-target", '{"attributes":{"a":%s}}'),
        ("POST", "/api/groups", '{"id":"g-deep","attributes":{"a":%s}}'),
    ],
    ids=["events", "identity", "groups"],
)
@pytest.mark.parametrize("depth", [1500, 5000])
def test_deeply_nested_json_is_a_400(api: Fixture, method: str, path: str, template: str, depth: int) -> None:
    body = template % _nested(depth)
    r = api.http.request(method, path, content=body.encode(), headers={"content-type": "application/json"})
    assert_well_formed_answer(r)
    assert r.status_code == 400


def test_the_read_model_still_follows_the_log(api: Fixture) -> None:
    """Runs last in this module: nothing the fuzzing sent may have stopped the shared server's projection."""
    container = api.server.container
    assert container.tracking_runner.wait_for_head(10)
    api.sdk.track("login", identity="after-fuzzing", event_id="after-fuzzing-event")
    assert api.sdk.events.get("after-fuzzing-event").identity.id == "after-fuzzing"
