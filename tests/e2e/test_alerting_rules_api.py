"""Badge rules, escalation rules and the preview through the API, on a live server (SQLite and
PostgreSQL): CRUD, a clashing name is 409, bad input 400 with a message and nothing stored, changes
admin-only, and a team never reaches another team's rules."""

import time
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest

from domain.accounts.roles import Role
from domain.alerting.channel import Channel
from domain.ids import user_id_for_email
from tests.support import LiveServer, Team, member_session, sign_up

LOW_HUMANITY = [{"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 30}]


def customer_of(server: LiveServer, team: Team) -> UUID:
    user = server.container.accounts.user(user_id_for_email(team.email))
    assert user is not None
    return user.customer_id


def add_channel(server: LiveServer, team: Team, slug: str) -> None:
    """A channel of the team's, as the channels API will make it (not part of this suite)."""
    customer = customer_of(server, team)

    def make(number: int) -> Channel:
        return Channel(
            customer_id=customer,
            number=number,
            slug=slug,
            name=slug.title(),
            type="WEBHOOK",
            config={"url": "https://hooks.example.com/dregs"},
            sealed={},
            events=["ESCALATION_OPENED"],
            enabled=True,
            at=datetime.now(UTC),
        )

    server.container.alerting.create_named(customer, "channel", slug, make)


def _listed(http: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    r = http.get(path, params=params)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["last"] is True and page["pageNumber"] == 0
    return page["content"]


def test_badge_rules_crud(team: Team) -> None:
    http = team.http
    r = http.post(
        "/api/badge-rules",
        json={"name": "Likely Bot", "type": "BAD", "priority": 10, "conditions": LOW_HUMANITY, "applyDelaySeconds": 60},
    )
    assert r.status_code == 201, r.text
    rule = r.json()
    assert (rule["id"], rule["slug"], rule["name"], rule["type"], rule["priority"]) == (
        1,
        "likely-bot",
        "Likely Bot",
        "BAD",
        10,
    )
    assert (rule["applyDelaySeconds"], rule["removeDelaySeconds"], rule["enabled"], rule["version"]) == (60, 0, True, 1)
    assert rule["conditions"] == [
        {"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 30, "badge": None, "seconds": None}
    ]
    assert rule["createdAt"].endswith("Z") and rule["updatedAt"] == rule["createdAt"]
    assert http.get("/api/badge-rules/likely-bot").json() == rule
    assert _listed(http, "/api/badge-rules") == [rule]

    # The slug stays when the rule is renamed; each change is a new version.
    r = http.patch("/api/badge-rules/likely-bot", json={"name": "Probably a Bot", "enabled": False})
    assert r.status_code == 200, r.text
    changed = r.json()
    assert (changed["slug"], changed["name"], changed["enabled"], changed["version"]) == (
        "likely-bot",
        "Probably a Bot",
        False,
        2,
    )
    assert changed["priority"] == 10 and changed["conditions"] == rule["conditions"]
    assert http.get("/api/badge-rules/likely-bot").json() == changed
    assert http.get("/api/badge-rules/probably-a-bot").status_code == 404

    for clash in ("Likely Bot", "likely-BOT!"):
        r = http.post("/api/badge-rules", json={"name": clash, "type": "GOOD", "conditions": LOW_HUMANITY})
        assert r.status_code == 409 and "likely-bot" in r.json()["message"]
    second = http.post(
        "/api/badge-rules",
        json={
            "name": "Old account",
            "type": "GOOD",
            "conditions": [{"condition": "IDENTITY_AGE_GT", "seconds": 86400}],
        },
    )
    assert second.status_code == 201 and second.json()["id"] == 2
    by_priority = _listed(http, "/api/badge-rules", sort="priority", order="DESC")
    assert [r["slug"] for r in by_priority] == ["likely-bot", "old-account"]
    assert http.get("/api/badge-rules", params={"sort": "color"}).status_code == 400

    assert http.delete("/api/badge-rules/likely-bot").status_code == 204
    assert http.get("/api/badge-rules/likely-bot").status_code == 404
    assert http.delete("/api/badge-rules/likely-bot").status_code == 404
    assert http.patch("/api/badge-rules/likely-bot", json={"priority": 1}).status_code == 404
    assert [r["slug"] for r in _listed(http, "/api/badge-rules")] == ["old-account"]
    again = http.post("/api/badge-rules", json={"name": "Likely bot", "type": "BAD", "conditions": LOW_HUMANITY})
    assert again.status_code == 201 and (again.json()["id"], again.json()["slug"]) == (3, "likely-bot")


BAD_BADGE_RULES = [
    ({"type": "BAD", "conditions": LOW_HUMANITY}, "name"),
    ({"name": "x", "type": "BAD"}, "conditions"),
    ({"name": "x" * 51, "type": "BAD", "conditions": LOW_HUMANITY}, "name"),
    ({"name": "¿¡", "type": "BAD", "conditions": LOW_HUMANITY}, "at least one letter A-Z or digit"),
    ({"name": "x", "type": "EVIL", "conditions": LOW_HUMANITY}, "type must be one of GOOD, BAD, NEUTRAL"),
    ({"name": "x", "type": "BAD", "conditions": []}, "conditions"),
    ({"name": "x", "type": "BAD", "conditions": [{"condition": "BADGE_EXISTS", "badge": "vip"}]}, "BADGE_EXISTS"),
    ({"name": "x", "type": "BAD", "conditions": [{"condition": "IDENTITY_AGE_LT", "seconds": 9}]}, "IDENTITY_AGE_LT"),
    ({"name": "x", "type": "BAD", "conditions": [{"condition": "SCORE_LT", "category": "ANY"}]}, "threshold"),
    (
        {"name": "x", "type": "BAD", "conditions": [{"condition": "SCORE_LT", "category": "ANY", "threshold": "5"}]},
        "threshold",
    ),
    ({"name": "x", "type": "BAD", "conditions": LOW_HUMANITY, "priority": True}, "priority"),
    ({"name": "x", "type": "BAD", "conditions": LOW_HUMANITY, "priority": 2_000_000}, "priority"),
    ({"name": "x", "type": "BAD", "conditions": LOW_HUMANITY, "applyDelaySeconds": -1}, "applyDelaySeconds"),
    ({"name": "x", "type": "BAD", "conditions": LOW_HUMANITY, "enabled": "yes"}, "enabled"),
    ({"name": "x", "type": "BAD", "conditions": LOW_HUMANITY, "color": "red"}, "color"),
]


@pytest.mark.parametrize(("body", "named"), BAD_BADGE_RULES)
def test_a_refused_badge_rule_is_a_400_that_says_why_and_stores_nothing(
    shared_team: Team, body: dict[str, Any], named: str
) -> None:
    before = _listed(shared_team.http, "/api/badge-rules")
    r = shared_team.http.post("/api/badge-rules", json=body)
    assert r.status_code == 400, r.text
    assert named in r.json()["message"]
    assert _listed(shared_team.http, "/api/badge-rules") == before


def test_refused_changes_and_strict_bodies(team: Team) -> None:
    http = team.http
    assert (
        http.post("/api/badge-rules", json={"name": "Kept", "type": "BAD", "conditions": LOW_HUMANITY}).status_code
        == 201
    )
    for body, named in (
        ({}, ""),
        ({"type": "NOPE"}, "type"),
        ({"conditions": [{"condition": "BADGE_NOT_EXISTS", "badge": "x"}]}, "BADGE_NOT_EXISTS"),
        ({"name": ""}, "name"),
        ({"slug": "other"}, "slug"),
    ):
        r = http.patch("/api/badge-rules/kept", json=body)
        assert r.status_code == 400 and named in r.json()["message"], (body, r.text)
    raw = b'{"name": "A", "name": "B", "type": "BAD", "conditions": [{"condition": "IDENTITY_AGE_GT", "seconds": 1}]}'
    r = http.post("/api/badge-rules", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "twice" in r.json()["message"]
    assert http.get("/api/badge-rules/kept").json()["version"] == 1


def test_escalation_rules_crud_with_channels(server: LiveServer, team: Team) -> None:
    http = team.http
    add_channel(server, team, "ops")
    add_channel(server, team, "on-call")
    r = http.post(
        "/api/escalation-rules",
        json={
            "name": "Old bots",
            "severity": "WARNING",
            "conditions": [*LOW_HUMANITY, {"condition": "IDENTITY_AGE_GT", "seconds": 86400}],
            "channels": ["ops", "on-call", "ops"],
            "effectiveAt": "2026-12-01T10:00:00+02:00",
            "openAfterSeconds": 300,
        },
    )
    assert r.status_code == 201, r.text
    rule = r.json()
    assert (rule["id"], rule["slug"], rule["severity"], rule["channels"]) == (
        1,
        "old-bots",
        "WARNING",
        ["ops", "on-call"],
    )
    assert (rule["effectiveAt"], rule["openAfterSeconds"], rule["closeAfterSeconds"]) == (
        "2026-12-01T08:00:00.000Z",
        300,
        None,
    )
    assert rule["enabled"] is True and rule["version"] == 1 and len(rule["conditions"]) == 2
    assert http.get("/api/escalation-rules/old-bots").json() == rule
    assert _listed(http, "/api/escalation-rules") == [rule]

    r = http.post(
        "/api/escalation-rules",
        json={"name": "x", "severity": "INFO", "conditions": LOW_HUMANITY, "channels": ["ops", "pager"]},
    )
    assert r.status_code == 400 and "no channel 'pager'" in r.json()["message"]
    r = http.post("/api/escalation-rules", json={"name": "x", "severity": "HIGH", "conditions": LOW_HUMANITY})
    assert r.status_code == 400 and "severity must be one of INFO, WARNING, CRITICAL" in r.json()["message"]
    r = http.post(
        "/api/escalation-rules", json={"name": "x", "severity": "INFO", "conditions": [{"condition": "BADGE_EXISTS"}]}
    )
    assert r.status_code == 400 and "badge" in r.json()["message"]
    r = http.post("/api/escalation-rules", json={"name": "OLD BOTS", "severity": "INFO", "conditions": LOW_HUMANITY})
    assert r.status_code == 409
    assert len(_listed(http, "/api/escalation-rules")) == 1

    r = http.patch(
        "/api/escalation-rules/old-bots", json={"name": "Aged bots", "channels": [], "closeAfterSeconds": 600}
    )
    assert r.status_code == 200, r.text
    changed = r.json()
    assert (
        changed["slug"],
        changed["name"],
        changed["channels"],
        changed["closeAfterSeconds"],
        changed["version"],
    ) == (
        "old-bots",
        "Aged bots",
        [],
        600,
        2,
    )
    r = http.patch("/api/escalation-rules/old-bots", json={"closeAfterSeconds": None})
    assert r.status_code == 200 and r.json()["closeAfterSeconds"] is None and r.json()["version"] == 3
    assert http.patch("/api/escalation-rules/old-bots", json={"channels": ["pager"]}).status_code == 400
    assert http.get("/api/escalation-rules/old-bots").json()["version"] == 3
    assert http.delete("/api/escalation-rules/old-bots").status_code == 204
    assert http.get("/api/escalation-rules/old-bots").status_code == 404
    assert _listed(http, "/api/escalation-rules") == []


def test_preview_is_not_a_slug(team: Team) -> None:
    http = team.http
    body = {"conditions": [{"condition": "IDENTITY_AGE_LT", "seconds": 60}]}
    assert http.post("/api/escalation-rules/preview", json=body).json() == {"count": 0, "sample": []}
    # The path is the preview's: no rule may take its slug (it could not be read, changed or deleted).
    r = http.post("/api/escalation-rules", json={"name": "Preview!", "severity": "INFO", "conditions": LOW_HUMANITY})
    assert r.status_code == 400 and "'preview'" in r.json()["message"]
    r = http.post("/api/escalation-rules", json={"name": "Preview 2", "severity": "INFO", "conditions": LOW_HUMANITY})
    assert r.status_code == 201 and r.json()["slug"] == "preview-2"
    assert http.get("/api/escalation-rules/preview-2").json()["name"] == "Preview 2"
    r = http.post(
        "/api/escalation-rules/preview",
        json={"conditions": [{"condition": "SCORE_LT", "category": "X", "threshold": 1}]},
    )
    assert r.status_code == 400 and "category" in r.json()["message"]
    assert http.post("/api/escalation-rules/preview", json={"conditions": []}).status_code == 400
    assert [r["slug"] for r in _listed(http, "/api/escalation-rules")] == ["preview-2"]


def test_changes_to_rules_are_for_admins(server: LiveServer, team: Team) -> None:
    assert (
        team.http.post("/api/badge-rules", json={"name": "Kept", "type": "BAD", "conditions": LOW_HUMANITY}).status_code
        == 201
    )
    assert (
        team.http.post(
            "/api/escalation-rules", json={"name": "Kept", "severity": "INFO", "conditions": LOW_HUMANITY}
        ).status_code
        == 201
    )
    with member_session(server, team, Role.USER.value) as user:
        assert user.get("/api/badge-rules/kept").status_code == 200
        assert user.get("/api/escalation-rules").status_code == 200
        assert user.post("/api/escalation-rules/preview", json={"conditions": LOW_HUMANITY}).status_code == 200
        for method, path, body in (
            ("POST", "/api/badge-rules", {"name": "New", "type": "BAD", "conditions": LOW_HUMANITY}),
            ("PATCH", "/api/badge-rules/kept", {"priority": 3}),
            ("DELETE", "/api/badge-rules/kept", None),
            ("POST", "/api/escalation-rules", {"name": "New", "severity": "INFO", "conditions": LOW_HUMANITY}),
            ("PATCH", "/api/escalation-rules/kept", {"severity": "CRITICAL"}),
            ("DELETE", "/api/escalation-rules/kept", None),
        ):
            r = user.request(method, path, json=body)
            assert r.status_code == 403 and r.json()["message"] == "Only an admin can do this", (method, path)
    browser = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {team.public_key}"})
    assert browser.get("/api/badge-rules").status_code == 403
    assert httpx.get(server.base_url + "/api/escalation-rules").status_code == 401
    assert team.http.get("/api/badge-rules/kept").json()["version"] == 1
    assert team.http.get("/api/escalation-rules/kept").json()["severity"] == "INFO"


def test_another_team_never_reaches_the_rules(server: LiveServer, team: Team) -> None:
    add_channel(server, team, "ops")
    assert (
        team.http.post("/api/badge-rules", json={"name": "Ours", "type": "BAD", "conditions": LOW_HUMANITY}).status_code
        == 201
    )
    assert (
        team.http.post(
            "/api/escalation-rules",
            json={"name": "Ours", "severity": "INFO", "conditions": LOW_HUMANITY, "channels": ["ops"]},
        ).status_code
        == 201
    )
    other = sign_up(server)
    for kind in ("badge-rules", "escalation-rules"):
        assert _listed(other.http, f"/api/{kind}") == []
        assert other.http.get(f"/api/{kind}/ours").status_code == 404
        assert other.http.patch(f"/api/{kind}/ours", json={"name": "Theirs"}).status_code == 404
        assert other.http.delete(f"/api/{kind}/ours").status_code == 404
    # Slugs are per team, and so are channels.
    assert (
        other.http.post(
            "/api/badge-rules", json={"name": "Ours", "type": "GOOD", "conditions": LOW_HUMANITY}
        ).status_code
        == 201
    )
    r = other.http.post(
        "/api/escalation-rules",
        json={"name": "Ours", "severity": "INFO", "conditions": LOW_HUMANITY, "channels": ["ops"]},
    )
    assert r.status_code == 400 and "no channel 'ops'" in r.json()["message"]
    assert team.http.get("/api/badge-rules/ours").json()["type"] == "BAD"
    assert team.http.get("/api/escalation-rules/ours").json()["version"] == 1


def _scored(team: Team, identities: list[str]) -> dict[str, Any]:
    client = team.sdk()
    for identity in identities:
        client.identities.analyze(identity)
    deadline = time.monotonic() + 30
    found: dict[str, Any] = {}
    while len(found) < len(identities):
        assert time.monotonic() < deadline, f"not scored in time: {set(identities) - set(found)}"
        for identity in identities:
            got = client.identities.get(identity)
            if got.last_scored_at is not None:
                found[identity] = got
        time.sleep(0.05)
    return found


def test_preview_counts_the_teams_identities_that_match_now(server: LiveServer, team: Team) -> None:
    client = team.sdk()
    people = [f"p{i}" for i in range(5)]
    for i, identity in enumerate(people):
        domain = "mailinator.com" if i % 2 else "example.com"  # a disposable mailbox lowers authenticity
        client.track("signup", identity=identity, identity_data={"name": f"Person {i}", "email": f"p{i}@{domain}"})
    other = sign_up(server)
    other.sdk().track("signup", identity="p0")  # another team's p0 is never counted
    scored = _scored(team, people)

    def preview(conditions: list[dict[str, Any]]) -> dict[str, Any]:
        r = team.http.post("/api/escalation-rules/preview", json={"conditions": conditions})
        assert r.status_code == 200, r.text
        return r.json()

    everyone = preview([{"condition": "IDENTITY_AGE_LT", "seconds": 3600}])
    assert everyone["count"] == 5 and {s["id"] for s in everyone["sample"]} == set(people)
    (p3,) = [s for s in everyone["sample"] if s["id"] == "p3"]
    assert p3 == {"id": "p3", "label": "Person 3", "path": "/api/identities/p3"}
    assert preview([{"condition": "IDENTITY_AGE_GT", "seconds": 3600}]) == {"count": 0, "sample": []}

    # A threshold between the team's scores: exactly those below it.
    values = sorted({s.authenticity_score for s in scored.values()})
    assert len(values) > 1, values
    below = {i for i, s in scored.items() if s.authenticity_score < values[-1]}
    found = preview([{"condition": "SCORE_LT", "category": "AUTHENTICITY", "threshold": values[-1]}])
    assert found["count"] == len(below) and {s["id"] for s in found["sample"]} == below
    # Without a device no humanity score is computed: no humanity condition matches, not even "< 100".
    assert all(s.humanity_score is None for s in scored.values())
    assert preview([{"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 100}])["count"] == 0
    anything = preview(
        [
            {"condition": "SCORE_GTE", "category": "ANY", "threshold": 0},
            {"condition": "BADGE_NOT_EXISTS", "badge": "no-such-badge"},
        ]
    )
    assert anything["count"] == 5
    assert preview([{"condition": "BADGE_EXISTS", "badge": "no-such-badge"}])["count"] == 0

    client.identities.update("p1", disregarded=True)  # disregarded identities never match
    assert preview([{"condition": "IDENTITY_AGE_LT", "seconds": 3600}])["count"] == 4
    assert _listed(team.http, "/api/escalation-rules") == []  # nothing saved
