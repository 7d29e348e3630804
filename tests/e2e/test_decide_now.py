"""POST /api/events?decide=true answers with the identity's scores and badges after a fresh cycle that
includes the event; the official SDK's track is unchanged."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from domain.alerting.rules import BadgeRule
from domain.tracking.tracked_event import TrackedEvent
from tests.e2e.test_tracker_ingestion import ORIGIN, browser_event
from tests.support import LiveServer, Team, fresh_postgres_database, live_server, sign_up


@pytest.fixture(scope="module")
def own_database() -> Iterator[str]:
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    # A database of its own: the suite's shared one holds other servers' pending deliveries, sealed under
    # their keys, which this server's delivery sweep would take up too.
    database_url = request.getfixturevalue("own_database") if request.param == "postgres" else None
    # An hour's window: only the decision in the request (or a new identity's first cycle) scores anything.
    with live_server(database_url, scoring_coalesce_seconds=3600.0, decide_timeout_seconds=10.0) as live:
        yield live


def team_id(team: Team):  # type: ignore[no-untyped-def]
    return team.server.container.accounts.credential_for_secret_key(team.secret_key).customer_id


def give_everyone_a_badge(team: Team) -> None:
    app = team.server.container.alerting
    customer = team_id(team)
    app.create_named(
        customer,
        "badge-rule",
        "scored",
        lambda n: BadgeRule(
            customer_id=customer, number=n, slug="scored", name="Scored", type="NEUTRAL", priority=1,
            conditions=[{"condition": "SCORE_GTE", "category": "ANY", "threshold": 0}],
            apply_delay_seconds=0, remove_delay_seconds=0, enabled=True, at=datetime.now(UTC),
        ),
    )  # fmt: skip


def test_a_decision_comes_back_with_the_scores_and_badges_of_a_cycle_that_includes_the_event(
    server: LiveServer,
) -> None:
    team = sign_up(server)
    give_everyone_a_badge(team)
    body = {"type": "signup", "identity": {"id": "d1", "data": {"email": "ann.lee@example.org", "name": "Ann Lee"}}}
    r = team.http.post("/api/events", params={"decide": "true"}, json=body)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["status"] == "success" and answer["id"]
    # Categories with something to go on (Humanity needs more events than one).
    assert "AUTHENTICITY" in answer["scores"]
    assert set(answer["scores"]) <= {"HUMANITY", "AUTHENTICITY", "UNIQUENESS", "BEHAVIOR"}
    assert all(0 <= v <= 100 for v in answer["scores"].values())
    assert [b["slug"] for b in answer["badges"]] == ["scored"]
    cycle = answer["cycleId"]
    # The same cycle is what the API shows, and it covered this event.
    analysis = team.sdk().identities.analysis("d1")
    assert analysis.event_count == 1
    assert any(h.cycle_id == cycle for h in team.sdk().identities.history("d1"))
    # A second event on the same identity: a new cycle at once, despite the hour's window.
    body["type"] = "login"
    again = team.http.post("/api/events", params={"decide": "true"}, json=body).json()
    assert again["cycleId"] > cycle
    assert team.sdk().identities.analysis("d1").event_count == 2


def test_without_decide_the_answer_is_the_usual_one(server: LiveServer) -> None:
    team = sign_up(server)
    r = team.http.post("/api/events", json={"type": "login", "identity": {"id": "d2"}})
    assert set(r.json()) == {"status", "id", "fingerprint"}
    result = team.sdk().track("login", identity="d3")
    assert result.status == "success" and result.id


def test_a_decision_past_its_time_limit_answers_without_scores(server: LiveServer) -> None:
    team = sign_up(server)
    container = server.container
    slow = container.engine.analyze

    def analyze(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.5)  # a cycle slower than the limit below (a busy database)
        return slow(*args, **kwargs)

    container.engine.analyze = analyze  # type: ignore[method-assign]
    limit = container.settings
    try:
        object.__setattr__(limit, "decide_timeout_seconds", 0.05)
        r = team.http.post("/api/events", params={"decide": "true"}, json={"type": "login", "identity": {"id": "d4"}})
    finally:
        object.__setattr__(limit, "decide_timeout_seconds", 10.0)
        container.engine.analyze = slow  # type: ignore[method-assign]
    assert r.status_code == 200 and r.json()["id"] and "scores" not in r.json()


def test_the_event_records_that_its_request_decides_so_the_background_leaves_the_sign_up_to_it(
    server: LiveServer,
) -> None:
    team = sign_up(server)
    customer = team_id(team)

    def recorded(event_id: str) -> TrackedEvent:
        return server.container.tracking.repository.get(TrackedEvent.create_id(customer, event_id))

    decided = team.http.post(
        "/api/events", params={"decide": "true"}, json={"type": "signup", "identity": {"id": "d6"}}
    )
    plain = team.http.post("/api/events", json={"type": "signup", "identity": {"id": "d7"}})
    assert decided.json()["scores"] and recorded(decided.json()["id"]).decided_in_request
    assert not recorded(plain.json()["id"]).decided_in_request
    # A browser key cannot ask for a decision: its event is recorded as any other.
    browser = httpx.post(
        server.base_url + "/api/events", params={"decide": "true"}, json=browser_event("signup", "d8"),
        headers={"Authorization": f"Bearer {team.public_key}", "Origin": ORIGIN},
    )  # fmt: skip
    assert browser.status_code == 200 and "scores" not in browser.json()
    assert not recorded(browser.json()["id"]).decided_in_request
    # Only the request's decision scored the sign-up (the window here is an hour).
    assert len(team.sdk().identities.history("d6")) == 1


def test_decide_is_refused_when_not_a_boolean(server: LiveServer) -> None:
    team = sign_up(server)
    r = team.http.post("/api/events", params={"decide": "maybe"}, json={"type": "login", "identity": {"id": "d5"}})
    assert r.status_code == 400 and "decide" in r.json()["message"]
