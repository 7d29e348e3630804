"""Time travel (issue 16): `asOf` on GET /api/identities/{id}, /scores, /analysis, /history and /links answers what
the API answered at that instant, computed from the event stores. An identity that changes over time — its
address and name turned fake (its scores fall, a badge rule gives a badge, an escalation opens), the escalation
closed, an edit read through a mapping made later, the identity it is linked to renamed — is asked about at
instants between those changes, and each answer is compared with the one the API gave then; `asOf` now is today's
answer; the official SDK is unchanged; bad instants are 400s, instants before the identity a 404; another team sees
nothing of it. Clearing the read-model rows that are not an index (the identities' rows, their badges) leaves the
answers as they were. The identity's page in the dashboard, as of each instant, through its time slider.
SQLite and PostgreSQL."""

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import httpx
from sqlalchemy import delete, select

from api.time import format_time
from projections.read_models import SCORING, TRACKING
from projections.schema import identities, identity_badges, identity_features
from tests.e2e.test_alerting_rules_api import customer_of
from tests.e2e.test_dashboard import _browse, browser_session
from tests.support import LiveServer, Team, add_member, sign_up, wait_until

ROUTES = ("", "/scores", "/analysis", "/history", "/links")
SHARED = {"ip": "198.51.100.23"}  # alice and bob share an address: a link between them
REAL = {"email": "maria.garcia@gmail.com", "name": "Maria Garcia", "nick": "maria"}
FAKE = {"email": "qwerty123@mailinator.com", "name": "asdf qwerty"}


def answers(http: httpx.Client, identity: str, **params: str) -> dict[str, Any]:
    found = {}
    for route in ROUTES:
        r = http.get(f"/api/identities/{identity}{route}", params=params)
        assert r.status_code == 200, (route, r.text)
        found[route] = r.json()
    return found


def settled(server: LiveServer, customer: UUID, *names: str) -> bool:
    """Every input of these identities scored (none queued), their decisions projected."""
    f = identity_features.c
    with server.container.read_models.current(TRACKING, SCORING) as conn:
        rows = conn.execute(
            select(f.pending, f.position, f.scored_position).where(f.customer_id == customer, f.identity_id.in_(names))
        ).all()
    return len(rows) == len(names) and all(not r.pending and r.scored_position >= r.position for r in rows)


def escalations(team: Team, status: str) -> list[dict[str, Any]]:
    r = team.http.get("/api/escalations", params={"identity": "alice", "status": status})
    assert r.status_code == 200, r.text
    return r.json()["content"]


def now() -> str:
    return format_time(datetime.now(UTC)) or ""


def rules(team: Team) -> None:
    r = team.http.post(
        "/api/badge-rules",
        json={"name": "Fake data", "type": "BAD", "priority": 10,
              "conditions": [{"condition": "SCORE_LT", "category": "AUTHENTICITY", "threshold": 60}]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    r = team.http.post(
        "/api/escalation-rules",
        json={"name": "Fake sign-ups", "severity": "CRITICAL",
              "conditions": [{"condition": "BADGE_EXISTS", "badge": "fake-data"}]},
    )  # fmt: skip
    assert r.status_code == 201, r.text


def test_as_of_answers_what_the_api_answered_then_from_the_event_stores(server: LiveServer) -> None:
    team = sign_up(server)
    customer = customer_of(server, team)
    rules(team)
    client, http = team.sdk(), team.http
    client.track("signup", identity="bob", identity_data={"email": "bob.builder@gmail.com", "name": "Bob Builder"},
                 data=SHARED)  # fmt: skip
    wait_until(lambda: settled(server, customer, "bob"), 30, "bob scored")
    before_alice = now()

    # 0: alice signs up as a real person, linked to bob by their address.
    wait_until(lambda: http.get("/api/identities/bob").status_code == 200, 10, "bob projected")
    client.track("signup", identity="alice", identity_data=REAL, data=SHARED)
    wait_until(lambda: settled(server, customer, "alice", "bob"), 30, "alice scored")
    then = [answers(http, "alice")]
    assert then[0]["/links"] and then[0]["/links"][0]["targetDisplayName"] == "Bob Builder"
    assert then[0][""]["displayUsername"] is None and then[0][""]["badges"] == []  # `nick` is mapped later
    instants = [now()]

    # 1: her address and name turn fake: her scores fall, the badge rule badges her, an escalation opens.
    client.track("email_changed", identity="alice", identity_data=FAKE, data=SHARED)
    wait_until(lambda: settled(server, customer, "alice", "bob"), 30, "alice scored again")
    wait_until(lambda: escalations(team, "OPEN"), 30, "the escalation to open")
    then.append(answers(http, "alice"))
    assert [b["slug"] for b in then[1][""]["badges"]] == ["fake-data"]
    assert then[1]["/scores"] != then[0]["/scores"] and len(then[1]["/history"]) > len(then[0]["/history"])
    instants.append(now())

    # 2: the escalation is closed; `nick` becomes the username's field, and an edit makes the display read it
    # again; bob renames himself.
    (escalation,) = escalations(team, "OPEN")
    r = http.patch(f"/api/escalations/{escalation['id']}", json={"status": "CLOSED"})
    assert r.status_code == 200, r.text
    r = http.put("/api/mappings", json={"kind": "IDENTITY_FIELD", "source": "nick", "target": "USERNAME"})
    assert r.status_code == 200, r.text
    r = http.patch("/api/identities/alice", json={"attributes": {"plan": "gold"}})
    assert r.status_code == 200 and r.json()["displayUsername"] == "maria", r.text
    client.track("profile_updated", identity="bob", identity_data={"name": "Robert Builder"}, data=SHARED)
    wait_until(lambda: settled(server, customer, "alice", "bob"), 30, "both scored again")
    then.append(answers(http, "alice"))
    assert then[2]["/links"][0]["targetDisplayName"] == "Robert Builder"
    assert then[2]["/analysis"]["id"] > then[1]["/analysis"]["id"]  # the edit was scored
    assert not escalations(team, "OPEN")
    instants.append(now())

    # Each route, at each instant, answers as the API did then.
    for instant, expected in zip(instants, then, strict=True):
        assert answers(http, "alice", asOf=instant) == expected, instant
    # An offset is the same instant; now is today's answer.
    moment = datetime.fromisoformat(instants[1].replace("Z", "+00:00")).astimezone(timezone(timedelta(hours=2)))
    assert answers(http, "alice", asOf=moment.isoformat()) == then[1]
    assert answers(http, "alice", asOf=now()) == answers(http, "alice") == then[2]

    # Before alice's first event: she was not known then (bob was).
    for route in ROUTES:
        r = http.get(f"/api/identities/alice{route}", params={"asOf": before_alice})
        assert r.status_code == 404 and "not known at" in r.json()["message"], (route, r.text)
    assert http.get("/api/identities/bob", params={"asOf": before_alice}).json()["displayName"] == "Bob Builder"

    # The read models' rows that are no index (the identities', their badges) cleared: the same answers, read
    # from the stores (only events, analyses and mappings name what to read).
    with server.container.views.begin() as conn:
        conn.execute(delete(identities).where(identities.c.customer_id == customer))
        conn.execute(delete(identity_badges).where(identity_badges.c.customer_id == customer))
    assert http.get("/api/identities/alice").status_code == 404  # gone from the read model
    for instant, expected in zip(instants, then, strict=True):
        assert answers(http, "alice", asOf=instant) == expected, instant


def test_as_of_refuses_what_is_no_instant_or_in_the_future_and_keeps_teams_apart(server: LiveServer) -> None:
    team, other = sign_up(server), sign_up(server)
    team.sdk().track("signup", identity="alice", identity_data=REAL)
    other.sdk().track("signup", identity="alice", identity_data=FAKE)
    other.sdk().track("signup", identity="carol", identity_data={"name": "Carol"})
    http = team.http
    wait_until(lambda: http.get("/api/identities/alice").status_code == 200, 10, "alice projected")
    for bad in ("yesterday", "2026-13-01T00:00:00Z", "2026-12-01T25:00:00Z", "1"):
        for route in ROUTES:
            r = http.get(f"/api/identities/alice{route}", params={"asOf": bad})
            assert r.status_code == 400 and "asOf must be an ISO-8601 instant" in r.json()["message"], (bad, route)
    future = format_time(datetime.now(UTC) + timedelta(minutes=5))
    r = http.get("/api/identities/alice/history", params={"asOf": future})
    assert r.status_code == 400 and "future" in r.json()["message"]
    r = http.get("/api/identities/nobody", params={"asOf": now()})
    assert r.status_code == 404 and r.json()["message"] == "Identity not found"
    # Each team's alice is its own; the other team's identities are not found.
    assert http.get("/api/identities/alice", params={"asOf": now()}).json()["displayEmail"] == REAL["email"]
    assert other.http.get("/api/identities/alice", params={"asOf": now()}).json()["displayEmail"] == FAKE["email"]
    for route in ROUTES:
        assert http.get(f"/api/identities/carol{route}", params={"asOf": now()}).status_code == 404
    # Without asOf the routes answer as ever (the SDK sends none); an empty one is no instant.
    empty = http.get("/api/identities/alice", params={"asOf": ""})
    assert empty.status_code == 400 and "asOf must be an ISO-8601 instant" in empty.json()["message"]
    assert team.sdk().identities.get("alice").display_email == REAL["email"]


def test_the_official_sdk_reads_the_identity_as_before(server: LiveServer) -> None:
    team = sign_up(server)
    customer = customer_of(server, team)
    client = team.sdk()
    client.track("signup", identity="dora", identity_data={"email": "dora@example.com", "name": "Dora"})
    wait_until(lambda: settled(server, customer, "dora"), 30, "dora scored")
    live = answers(team.http, "dora")
    assert answers(team.http, "dora", asOf=now()) == live
    found = client.identities.get("dora")
    assert (found.id, found.display_name) == ("dora", "Dora")
    assert client.identities.analysis("dora").id == live["/analysis"]["id"]
    assert [h.cycle_id for h in client.identities.history("dora")] == [h["id"] for h in live["/history"]]
    assert list(client.identities.links("dora")) == []
    assert {s.category for s in client.identities.scores("dora")} == {s["category"] for s in live["/scores"]}


def _page_then(http: httpx.Client, instant: str) -> str:
    r = http.get("/identities/alice", params={"asOf": instant})
    assert r.status_code == 200, r.text
    return r.text


def test_the_identity_page_travels_in_time_for_every_member(server: LiveServer) -> None:
    team = sign_up(server)
    customer = customer_of(server, team)
    rules(team)
    client = team.sdk()
    client.track("signup", identity="alice", identity_data=REAL)
    wait_until(lambda: settled(server, customer, "alice"), 30, "alice scored")
    first = now()
    client.track("email_changed", identity="alice", identity_data=FAKE)
    wait_until(lambda: settled(server, customer, "alice"), 30, "alice scored again")
    wait_until(lambda: escalations(team, "OPEN"), 30, "the escalation to open")
    second = now()
    (escalation,) = escalations(team, "OPEN")
    assert team.http.patch(f"/api/escalations/{escalation['id']}", json={"status": "CLOSED"}).status_code == 200
    third = now()
    cycles = [h["id"] for h in team.http.get("/api/identities/alice/history").json()]

    admin = browser_session(server, team.email, next_page="/identities/alice")
    viewer = browser_session(server, add_member(server, team, "VIEWER"))
    for http in (admin, viewer):
        page = http.get("/identities/alice").text
        assert "As Dregs knew it at" not in page and 'type="range"' in page
        assert f'max="{len(cycles)}"' in page and f'value="{len(cycles)}"' in page  # its analyses, then now
        assert page.count("<option value=") == len(cycles) + 1 and 'label="Now"' in page

        earlier = _page_then(http, first)
        assert f"As Dregs knew it at {first[:19].replace('T', ' ')} UTC" in earlier
        assert "<h1>Maria Garcia</h1>" in earlier and "Fake data" not in earlier
        assert re.search(r'type="range"[^>]*value="0"', earlier) and "Fake sign-ups" not in earlier
        assert "Analyze now" not in earlier  # nothing is changed in the past

        later = _page_then(http, second)
        assert "<h1>asdf qwerty</h1>" in later and ">Fake data</span>" in later
        assert re.search(r"Fake sign-ups: open", later) and "Analyze now" not in later
        assert "Fake sign-ups" not in _page_then(http, third)  # closed by then: no longer open

        # A form without script sends the slider's stop: the first analysis's instant.
        stop = http.get("/identities/alice", params={"at": 0})
        assert stop.status_code == 200 and "As Dregs knew it at" in stop.text and "<h1>Maria Garcia</h1>" in stop.text

    assert "Analyze now" in admin.get("/identities/alice").text
    assert "Analyze now" not in viewer.get("/identities/alice").text
    r = admin.get("/identities/alice", params={"asOf": "not a time"})
    assert r.status_code == 400

    # In Chromium: the keyboard chooses a stop and Show opens it; a pointer letting the slider go opens its stop.
    def steps(page: Any) -> None:
        page.goto(server.base_url + "/identities/alice")
        slider = page.locator("#as-of-stop")
        slider.focus()
        page.keyboard.press("Home")
        assert page.locator("[data-as-of-output]").text_content().startswith("Analysis of ")
        assert slider.get_attribute("aria-valuetext").startswith("Analysis of ")
        assert "asOf" not in page.url  # an arrow only chooses
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # on Show
        page.wait_for_selector("[data-as-of-banner]")
        assert "asOf=" in page.url and page.locator("h1").text_content() == "Maria Garcia"
        box = page.locator("#as-of-stop").bounding_box()
        page.mouse.click(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)  # the last stop: now
        page.wait_for_selector("h1:text('asdf qwerty')")
        assert "asOf" not in page.url and page.locator("[data-as-of-banner]").count() == 0

    assert _browse(server, team, steps) == []
