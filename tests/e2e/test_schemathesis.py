"""Schemathesis against a live server, on SQLite and on PostgreSQL: every route, every check, from the
OpenAPI document the server publishes, with two teams' credentials so one team's objects are probed with
the other's (schemathesis's object-level authorization check, with both teams as peers), and a check of
our own that no answer ever shows the other team's data.

Bounded and repeatable: a fixed seed in deterministic mode, a few examples per operation."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support import LiveServer, Team, sign_up

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).parent / "st"
MAX_EXAMPLES = 20
SEED = 20261129


def _seed(team: Team, marker: str) -> dict[str, str]:
    """Objects of every kind, holding `marker` where only this team may see it; their ids (ids are not
    secrets: another team may use the same ones for objects of its own)."""
    tag = secrets.token_hex(4)
    ids = {"identity": f"user-{tag}", "event": f"event-{tag}", "group": f"group-{tag}"}
    client = team.sdk()
    client.track(
        "signup",
        identity=ids["identity"],
        event_id=ids["event"],
        data={"note": marker},
        identity_data={"email": f"{marker}@example.com", "name": f"Name {marker}"},
        groups=[{"type": "team", "id": ids["group"], "data": {"name": f"Group {marker}"}}],
    )
    with team.http as http:
        r = http.put("/api/mappings", json={"kind": "EVENT_TYPE", "source": f"src {marker}", "target": "LOGIN"})
        assert r.status_code == 200, r.text
        ids["mapping"] = r.json()["id"]
        r = http.put("/api/datasets/CUSTOMER/blocked_domains/entries", json={"key": f"{marker}.example"})
        assert r.status_code == 200, r.text
        channel = {"name": f"Hook {marker}", "type": "WEBHOOK", "events": ["IDENTITY_SCORED"],
                   "config": {"url": f"https://{marker}.example/hook"}}  # fmt: skip
        r = http.post("/api/channels", json=channel)
        assert r.status_code == 201, r.text
        ids["channel"] = r.json()["slug"]
        assert http.post(f"/api/channels/{ids['channel']}/actions/test").status_code == 202
    return ids


# A run whose credentials never work, whose filters select nothing, or whose document it cannot read fully
# fails instead of passing with nothing tested; no crash cache is kept between runs (or in the work tree).
WARNINGS = """
[cache]
enabled = false

[warnings]
fail-on = ["missing_auth", "unused_openapi_auth", "unmatched_filter", "unsupported_regex", "unresolvable_reference",
           "validation_mismatch"]
"""


# Whether a config fits a channel, or a channel has a secret to rotate, depends on the channel's type, which
# its path does not tell: there a schema-valid request may be a 400.
BY_CHANNEL_TYPE = r"""
[[operations]]
include-path-regex = '^/api/channels/\{channel_slug\}(/actions/rotate-secret)?$'
include-method-regex = '^(PATCH|POST)$'
[operations.checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]
"""


def _run(server: LiveServer, tmp: Path, config: str, env: dict[str, str], *args: str) -> str:
    (tmp / "schemathesis.toml").write_text(config + WARNINGS + BY_CHANNEL_TYPE)
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(tmp / "schemathesis.toml"),
        "run",
        server.base_url + "/schema/openapi.json",
        "--url",
        server.base_url,
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--no-color",
        "--output-truncate",
        "false",
        *args,
    ]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=600)
    return f"exit {done.returncode}\n{done.stdout}\n{done.stderr}" if done.returncode else ""


@pytest.fixture(scope="module")
def teams(server: LiveServer) -> dict[str, object]:
    a, b = sign_up(server), sign_up(server)
    mark_a, mark_b = "marka" + secrets.token_hex(6), "markb" + secrets.token_hex(6)
    return {"a": a, "b": b, "ids_a": _seed(a, mark_a), "ids_b": _seed(b, mark_b), "mark_a": mark_a, "mark_b": mark_b}


def test_every_route_as_one_team_while_another_is_probed(server: LiveServer, teams: dict, tmp_path: Path) -> None:
    """As team A, with team B as its peer: what A reads of its own is asked again as B. Path ids are drawn
    from both teams' known ids half the time, so reads of A's objects succeed (and are replayed as B), and
    B's ids are tried as A."""
    auth = _wfc(tmp_path, **{"team-a": teams["a"].secret_key, "team-b": teams["b"].secret_key})
    both = [teams["ids_a"], teams["ids_b"]]
    known = {kind: [ids[kind] for ids in both] for kind in ("identity", "event", "group", "mapping", "channel")}
    config = f"""
seed = {SEED}
hooks = "tests.e2e.schemathesis_hooks"
[auth.wfc]
path = "{auth}"
user = "team-a"
peers = ["team-a", "team-b"]
[dictionaries]
identities = {{ values = {json.dumps(known["identity"])} }}
events = {{ values = {json.dumps(known["event"])} }}
groups = {{ values = {json.dumps(known["group"])} }}
mappings = {{ values = {json.dumps(known["mapping"])} }}
channels = {{ values = {json.dumps(known["channel"])} }}
[parameters]
"path.identity_id" = {{ dictionary = "identities", probability = 0.5 }}
"path.event_id" = {{ dictionary = "events", probability = 0.5 }}
"path.group_id" = {{ dictionary = "groups", probability = 0.5 }}
"path.mapping_id" = {{ dictionary = "mappings", probability = 0.5 }}
"path.channel_slug" = {{ dictionary = "channels", probability = 0.5 }}
"""
    env = {"DREGS_TEAM_MARKERS": f"team-a={teams['mark_a']},team-b={teams['mark_b']}"}
    failures = _run(server, tmp_path, config, env, "--exclude-path-regex", "^/api/(account|credentials|team)")
    if failures:
        pytest.fail(failures, pytrace=False)


def _wfc(tmp: Path, **headers: str) -> Path:
    path = tmp / "auth.json"
    entries = [
        {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]}
        for name, token in headers.items()
    ]
    path.write_text(json.dumps({"auth": entries}))
    return path


def test_team_b_reaches_nothing_of_team_a_through_its_ids(server: LiveServer, teams: dict, tmp_path: Path) -> None:
    """Every route with an id in its path, asked as team B for the objects of a team no other run touches."""
    victim, mark = sign_up(server), "markv" + secrets.token_hex(6)
    ids = _seed(victim, mark)
    auth = _wfc(tmp_path, **{"team-b": teams["b"].secret_key})
    config = f"""
seed = {SEED}
hooks = "tests.e2e.schemathesis_hooks"
[auth.wfc]
path = "{auth}"
user = "team-b"
[parameters]
"path.identity_id" = "{ids["identity"]}"
"path.event_id" = "{ids["event"]}"
"path.group_type" = "team"
"path.group_id" = "{ids["group"]}"
"path.mapping_id" = "{ids["mapping"]}"
"path.dataset_scope" = "CUSTOMER"
"path.slug" = "blocked_domains"
"path.key" = "{mark}.example"
"path.channel_slug" = "{ids["channel"]}"
"""
    env = {"DREGS_TEAM_MARKERS": f"victim={mark}"}
    # The team's members, invitations and credentials, and an identity's audit export (it holds the activity log's
    # addresses and browsers), are a dashboard session's, never a key's.
    failures = _run(
        server, tmp_path, config, env, "--include-path-regex", r"\{", "--exclude-path-regex",
        "credential|^/api/team/|/export$",
    )  # fmt: skip
    if failures:
        pytest.fail(failures, pytrace=False)
    # Whatever team B sent, the other team's objects are as they were.
    client = victim.sdk()
    assert client.identities.get(ids["identity"]).data == {"email": f"{mark}@example.com", "name": f"Name {mark}"}
    assert not client.identities.get(ids["identity"]).disregarded
    assert client.groups.get("team", ids["group"]).data == {"name": f"Group {mark}"}
    assert [m.id for m in client.groups.list(identity=ids["identity"])] == [ids["group"]]
    assert client.events.get(ids["event"]).data == {"note": mark}
    with victim.http as http:
        assert ids["mapping"] in {m["id"] for m in http.get("/api/mappings", params={"scope": "CUSTOMER"}).json()}
        entries = http.get("/api/datasets/CUSTOMER/blocked_domains/entries").json()
        assert [e["key"] for e in entries] == [f"{mark}.example"]
        channel = http.get(f"/api/channels/{ids['channel']}").json()
        assert channel["name"] == f"Hook {mark}" and channel["config"]["url"] == f"https://{mark}.example/hook"
        assert channel["events"] == ["IDENTITY_SCORED"] and channel["enabled"] is True
        # Its one test delivery, and no other: its IDENTITY_SCORED news come from the team's own cycles.
        log = http.get(f"/api/channels/{ids['channel']}/deliveries", params={"pageSize": 100}).json()["content"]
        assert [d["event"] for d in log if d["event"] == "TEST"] == ["TEST"]


def test_the_account_routes_as_a_dashboard_user(server: LiveServer, tmp_path: Path) -> None:
    """Sign-up, login, the account, its password and its credentials, the team's members and invitations, as a
    team of their own (the run issues, disables and revokes credentials, and invites)."""
    own = sign_up(server)
    auth = _wfc(tmp_path, **{"owner": own.token})
    config = f"""
seed = {SEED}
hooks = "tests.e2e.schemathesis_hooks"
[auth.wfc]
path = "{auth}"
user = "owner"
"""
    failures = _run(server, tmp_path, config, {}, "--include-path-regex", "^/api/(auth|account|credentials|team)")
    if failures:
        pytest.fail(failures, pytrace=False)
    assert httpx.get(server.base_url + "/health").status_code == 200
