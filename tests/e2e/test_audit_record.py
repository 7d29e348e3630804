"""An identity's record for auditors (issue 16), on a live server, SQLite and PostgreSQL: its timeline (GET
/api/audit/identities/{id}/timeline) lists, in time order and each with its cause and who did it, the events
received, decisions, a rule's badge, an escalation opened by a rule then acknowledged and closed by a member, a
review, disregarding and regarding, the rules' creation and change, a dataset entry and a mapping; it pages and
filters like the API's other lists, is 404 to another team, open to viewers and the server key. The export (GET
…/export and `dregs audit export`) holds the same records as hash-chained JSON lines that `dregs audit verify`
accepts, and refuses once a byte is changed, a line deleted or two lines swapped, naming the first broken line."""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from api.cli import main
from tests.support import LiveServer, Team, add_member, log_in, member_session, operator_env, sign_up, wait_until

TIMEOUT = 60
SCORED = [{"condition": "SCORE_GTE", "category": "ANY", "threshold": 0}]


@dataclass
class Story:
    server: LiveServer
    team: Team
    identity: str
    path: str  # the identity's audit path, its id percent-encoded
    admin: httpx.Client
    user: httpx.Client
    user_email: str
    dataset_key: str
    mapping_source: str


def _ok(r: httpx.Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json() if r.content else None


def timeline(client: httpx.Client, story: Story, **params: Any) -> dict[str, Any]:
    return _ok(client.get(f"{story.path}/timeline", params={"pageSize": 100, **params}))


def entries(story: Story, **params: Any) -> list[dict[str, Any]]:
    page = timeline(story.admin, story, **params)
    assert page["totalElements"] <= 100, "the story fits one page"
    return page["content"]


def of_kind(found: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in found if e["kind"] == kind]


@pytest.fixture(scope="module")
def story(server: LiveServer) -> Story:
    team = sign_up(server)
    admin, sdk = team.dashboard, team.sdk()
    user_email = add_member(server, team, "USER")
    user = log_in(server, user_email)
    tag = secrets.token_hex(4)
    # The rules come first: the badge and the escalation they give name versions from before the identity.
    _ok(admin.post("/api/badge-rules", json={"name": "Scored", "type": "NEUTRAL", "conditions": SCORED}), 201)
    rule = {
        "name": "Look at it",
        "severity": "WARNING",
        "conditions": [{"condition": "BADGE_EXISTS", "badge": "scored"}],
    }
    _ok(admin.post("/api/escalation-rules", json=rule), 201)

    identity = f"audit/{tag}"  # a slash: the path carries it as %2F
    path = f"/api/audit/identities/{quote(identity, safe='')}"
    sdk.track("signup", identity=identity, event_id=f"{tag}-1", identity_data={"email": f"ada.{tag}@example.com"})
    escalation = wait_until(
        lambda: [e for e in _ok(admin.get("/api/escalations", params={"identity": identity}))["content"]
                 if e["status"] == "OPEN"],
        TIMEOUT, "the rule's escalation to open",
    )[0]  # fmt: skip

    dataset_key = f"mailcorp-{tag}.example"
    _ok(admin.put("/api/datasets/CUSTOMER/disposable_email_domains/entries", json={"key": dataset_key}))
    mapping_source = f"nuevo_{tag}"
    _ok(team.http.put("/api/mappings", json={"kind": "EVENT_TYPE", "source": mapping_source, "target": "REGISTRATION"}))
    _ok(admin.patch("/api/badge-rules/scored", json={"priority": 5}))
    found = Story(server, team, identity, path, admin, user, user_email, dataset_key, mapping_source)
    # The rule's change reaches the scored identities: the badge is kept, under the rule's new version.
    wait_until(lambda: of_kind(entries(found), "badge_updated"), TIMEOUT, "the badge to be kept under version 2")

    _ok(user.patch(f"/api/escalations/{escalation['id']}", json={"status": "ACKNOWLEDGED"}))
    _ok(user.patch(f"/api/escalations/{escalation['id']}", json={"status": "CLOSED"}))
    encoded = quote(identity, safe="")
    _ok(user.post(f"/api/identities/{encoded}/actions/review", json={"feedback": "please look"}), 201)
    wait_until(
        lambda: _ok(admin.get(f"/api/identities/{encoded}/reviews"))[0]["status"] == "FINISHED",
        TIMEOUT, "the review to be written",
    )  # fmt: skip
    _ok(team.http.patch(f"/api/identities/{encoded}", json={"attributes": {"plan": "pro"}}))
    _ok(user.patch(f"/api/identities/{encoded}", json={"disregarded": True}))
    _ok(user.patch(f"/api/identities/{encoded}", json={"disregarded": False}))

    def settled() -> bool:
        # Regarded again, the identity is scored at once (its rules' standing unchanged): then all is quiet.
        told = entries(found)
        regarded = of_kind(told, "regarded")
        return bool(regarded) and any(e["at"] > regarded[0]["at"] for e in of_kind(told, "decision"))

    wait_until(settled, TIMEOUT, "the identity to be scored again once regarded")
    return found


def test_the_timeline_tells_each_step_in_order_with_its_cause_and_actor(story: Story) -> None:
    told = entries(story)
    assert [e["at"] for e in told] == sorted(e["at"] for e in told)
    kinds = [e["kind"] for e in told]
    order = ["rule_changed", "event_received", "decision", "badge_added", "escalation_opened",
             "escalation_acknowledged", "escalation_closed", "review_requested", "review", "disregarded",
             "regarded"]  # fmt: skip
    firsts = [kinds.index(k) for k in order]
    assert firsts == sorted(firsts), kinds
    admin, key = story.team.email, "key server"

    (received,) = of_kind(told, "event_received")
    assert received["cause"]["eventType"] == "signup" and received["actor"] == {"type": "KEY", "name": key}
    assert received["record"]["store"] == "tracking" and received["record"]["version"] == 1

    decision = of_kind(told, "decision")[0]
    cause = decision["cause"]
    assert cause["eventCount"] == 1 and cause["inputsPosition"] > 0 and cause["cycleId"] >= 1
    assert cause["rulesVersion"] and cause["datasetsVersion"] and cause["mappingsVersion"]
    assert set(cause["scores"]) <= {"HUMANITY", "AUTHENTICITY", "UNIQUENESS", "BEHAVIOR"}
    assert decision["actor"] == {"type": "DREGS", "name": "Dregs"} and decision["summary"].startswith("Cycle ")

    badge = of_kind(told, "badge_added")[0]
    assert badge["cause"]["rule"] == {"kind": "BADGE_RULE", "number": 1, "slug": "scored", "version": 1}
    assert badge["cause"]["cycleId"] == cause["cycleId"] and badge["actor"]["type"] == "DREGS"

    (opened,) = of_kind(told, "escalation_opened")
    assert opened["cause"]["rule"] == {"kind": "ESCALATION_RULE", "number": 1, "slug": "look-at-it", "version": 1}
    member = {"type": "MEMBER", "name": story.user_email}
    for kind in ("escalation_acknowledged", "escalation_closed"):
        (moved,) = of_kind(told, kind)
        assert moved["actor"] == member and moved["cause"]["escalation"] == opened["cause"]["escalation"]
    assert of_kind(told, "escalation_closed")[0]["cause"]["reason"] == "CLOSED_BY_USER"

    (asked,) = of_kind(told, "review_requested")
    (written,) = of_kind(told, "review")
    assert asked["actor"] == member and "with feedback" in asked["summary"]
    assert written["actor"]["type"] == "DREGS" and written["cause"]["review"] == asked["cause"]["review"]
    assert written["cause"]["verdict"] and written["cause"]["cycleId"] >= 1

    (edited,) = of_kind(told, "attributes_edited")
    assert edited["actor"] == {"type": "KEY", "name": key} and edited["cause"] == {"attributes": ["plan"]}
    for kind in ("disregarded", "regarded"):
        (changed,) = of_kind(told, kind)
        assert changed["actor"] == member

    rules = {(e["cause"]["rule"]["slug"], e["cause"]["change"], e["cause"]["rule"]["version"]): e
             for e in of_kind(told, "rule_changed")}  # fmt: skip
    assert set(rules) == {("scored", "created", 1), ("look-at-it", "created", 1), ("scored", "changed", 2)}
    for found in rules.values():
        assert found["actor"] == {"type": "MEMBER", "name": admin} and found["cause"]["activityId"]
    assert rules[("scored", "changed", 2)]["cause"]["fields"] == ["priority"]
    assert rules[("scored", "created", 1)]["at"] < received["at"] < rules[("scored", "changed", 2)]["at"]
    (kept,) = of_kind(told, "badge_updated")
    assert kept["cause"]["rule"]["version"] == 2 and kept["at"] > rules[("scored", "changed", 2)]["at"]

    (entry,) = of_kind(told, "dataset_changed")
    assert entry["cause"]["dataset"] == {"slug": "disposable_email_domains", "key": story.dataset_key}
    assert entry["actor"] == {"type": "MEMBER", "name": admin} and entry["cause"]["change"] == "put"
    (mapping,) = of_kind(told, "mapping_changed")
    assert mapping["cause"]["mapping"] == {"kind": "EVENT_TYPE", "source": story.mapping_source,
                                           "target": "REGISTRATION"}  # fmt: skip
    assert mapping["actor"] == {"type": "KEY", "name": key}


def test_the_timeline_pages_and_filters(story: Story) -> None:
    whole = entries(story)
    total = len(whole)
    paged: list[dict[str, Any]] = []
    for number in range(-(-total // 3)):
        page = timeline(story.admin, story, pageSize=3, pageNumber=number)
        assert page["totalElements"] == total and page["pageNumber"] == number and page["pageSize"] == 3
        assert page["first"] == (number == 0) and page["last"] == (number == page["totalPages"] - 1)
        paged += page["content"]
    assert paged == whole
    newest = [e for n in range(-(-total // 4)) for e in timeline(story.admin, story, pageSize=4, pageNumber=n,
                                                                 order="desc")["content"]]  # fmt: skip
    assert newest == whole[::-1]
    assert timeline(story.admin, story, pageNumber=total)["content"] == []

    decisions = entries(story, kind="decision")
    assert decisions == of_kind(whole, "decision") and len(decisions) >= 2
    moved = entries(story, kind="escalation_acknowledged,escalation_closed,review")
    assert [e["kind"] for e in moved] == ["escalation_acknowledged", "escalation_closed", "review"]
    middle = whole[total // 2]["at"]
    assert entries(story, **{"from": middle}) == [e for e in whole if e["at"] >= middle]
    assert entries(story, to=middle) == [e for e in whole if e["at"] < middle]
    last_decision = decisions[-1]["at"]
    assert entries(story, kind="decision", **{"from": decisions[0]["at"], "to": last_decision}) == decisions[:-1]

    assert timeline(story.admin, story, **{"from": middle, "to": middle})["totalElements"] == 0
    for params, said in (({"kind": "nothing"}, "kind must be"), ({"from": "yesterday"}, "ISO-8601"),
                         ({"to": ""}, "ISO-8601")):  # fmt: skip
        r = story.admin.get(f"{story.path}/timeline", params=params)
        assert r.status_code == 400 and said in r.json()["message"], r.text


def test_another_team_sees_no_such_identity_and_roles_are_as_the_table_says(story: Story) -> None:
    other = sign_up(story.server)
    for client in (other.dashboard, other.http):
        for what in ("timeline", "export"):
            r = client.get(f"{story.path}/{what}")
            assert r.status_code in (404, 403), r.text
    assert other.dashboard.get(f"{story.path}/timeline").status_code == 404
    assert other.dashboard.get(f"{story.path}/export").status_code == 404
    assert other.http.get(f"{story.path}/timeline").status_code == 404

    viewer = member_session(story.server, story.team, "VIEWER")
    assert timeline(viewer, story)["totalElements"] == len(entries(story))
    assert timeline(story.team.http, story)["totalElements"] == len(entries(story))
    for client, message in ((viewer, "Only an admin can do this"), (story.user, "Only an admin can do this"),
                            (story.team.http, "This needs a dashboard session")):  # fmt: skip
        r = client.get(f"{story.path}/export")
        assert r.status_code == 403 and r.json()["message"] == message
    assert story.admin.get("/api/audit/identities/nobody/timeline").status_code == 404


def dregs(story: Story, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    """`dregs …` in this process, against the server's database, as an auditor runs it beside the deployment;
    its exit status."""
    operator_env(story.server, monkeypatch)
    try:
        main(list(argv))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def _records(lines: list[bytes]) -> list[dict[str, Any]]:
    """The stored events an export holds, without what differs between two exports (the time, the hashes)."""
    found = [json.loads(line) for line in lines[1:-1]]
    return [{k: v for k, v in r.items() if k not in ("prev", "hash")} for r in found]


def test_the_export_chains_the_record_and_verify_names_the_first_broken_line(
    story: Story, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    r = story.admin.get(f"{story.path}/export")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    by_api = tmp_path / "api.ndjson"
    by_api.write_bytes(r.content)
    lines = r.content.splitlines(keepends=True)
    header, end = json.loads(lines[0]), json.loads(lines[-1])
    assert header["identity"] == story.identity and header["prev"] == "0" * 64 and "sorted" in header["canonical"]
    assert end == {**end, "end": True, "records": len(lines) - 2}
    records = _records(lines)
    assert [r["at"] for r in records] == sorted(r["at"] for r in records)
    stores = {r["store"] for r in records}
    assert stores == {"tracking", "scoring", "alerting", "accounts"}
    told = {(e["record"]["store"], e["record"]["aggregateId"], e["record"]["version"]) for e in entries(story)}
    assert told <= {(r["store"], r["aggregateId"], r["version"]) for r in records}
    signup = next(r for r in records if r["topic"].endswith("TrackedEvent.Recorded"))
    assert signup["data"]["identity_data"]["email"].startswith("ada."), "the identity's own data, as recorded"

    assert dregs(story, monkeypatch, "audit", "verify", str(by_api)) == 0
    assert capsys.readouterr().out.startswith(f"{len(lines)} lines verified")

    by_cli = tmp_path / "cli.ndjson"
    team = str(json.loads(lines[0])["team"])
    assert dregs(story, monkeypatch, "audit", "export", "--team", team, story.identity, "-o", str(by_cli)) == 0
    assert f"{len(lines)} lines exported" in capsys.readouterr().err
    assert _records(by_cli.read_bytes().splitlines(keepends=True)) == records
    assert dregs(story, monkeypatch, "audit", "verify", str(by_cli)) == 0
    capsys.readouterr()

    def broken(changed: list[bytes]) -> str:
        tampered = tmp_path / "tampered.ndjson"
        tampered.write_bytes(b"".join(changed))
        assert dregs(story, monkeypatch, "audit", "verify", str(tampered)) == 1
        return capsys.readouterr().err

    middle = len(lines) // 2
    flipped = bytearray(lines[middle])
    flipped[len(flipped) // 2] ^= 0x01
    said = broken([*lines[:middle], bytes(flipped), *lines[middle + 1 :]])
    assert f"line {middle + 1}: " in said
    said = broken([*lines[:middle], *lines[middle + 1 :]])
    assert f"line {middle + 1}: prev mismatch" in said
    said = broken([*lines[:middle], lines[middle + 1], lines[middle], *lines[middle + 2 :]])
    assert f"line {middle + 1}: prev mismatch" in said
    said = broken(lines[:-1])
    assert f"line {len(lines)}: truncated" in said

    assert dregs(story, monkeypatch, "audit", "export", "--team", team, "nobody") == 2
    assert "has no identity 'nobody'" in capsys.readouterr().err
