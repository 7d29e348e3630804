"""Scores, analysis cycles, history, links and re-analysis through the official SDK and
raw HTTP, on a live server (SQLite and PostgreSQL) whose coalescing window is an
hour, new identities included, so that only an explicit re-analysis scores anything here."""

import contextlib
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from dregs import Dregs
from dregs.errors import BadRequestError, NotFoundError

from tests.support import LiveServer, Team, fresh_postgres_database, live_server, sign_up

T = TypeVar("T")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def slow_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """A database of its own: on the suite's shared one, the other live servers' runners and engines (a
    window of 2 s, new identities at once) would project these events and score them by their settings."""
    with (
        fresh_postgres_database() if request.param == "postgres" else contextlib.nullcontext() as database_url,
        live_server(database_url, scoring_coalesce_seconds=3600.0, scoring_new_identities_at_once=False) as live,
    ):
        yield live


@pytest.fixture
def team(slow_server: LiveServer) -> Team:
    return sign_up(slow_server)


def eventually(probe: Callable[[], T | None], timeout: float = 15.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def analyzed(client: Dregs, identity: str, cycles: int = 1) -> None:
    eventually(lambda: len(client.identities.history(identity)) >= cycles)


def test_an_identity_is_unscored_until_analyzed_then_explained(team: Team) -> None:
    client = team.sdk()
    fake = {"email": "qwerty@mailinator.com", "name": "asdf asdf"}
    client.track("user.signup", identity="fake-1", identity_data=fake, data={"ip": "203.0.113.9"})
    assert list(client.identities.scores("fake-1")) == []
    assert list(client.identities.history("fake-1")) == []
    with pytest.raises(NotFoundError):
        client.identities.analysis("fake-1")

    client.identities.analyze("fake-1")
    analyzed(client, "fake-1")

    analysis = client.identities.analysis("fake-1")
    assert analysis.identity_id == "fake-1" and analysis.event_count == 1
    assert analysis.duration_millis is not None and analysis.duration_millis >= 0
    categories = [s.category.value for s in analysis.scores]
    assert categories == [c for c in ("HUMANITY", "AUTHENTICITY", "UNIQUENESS", "BEHAVIOR") if c in categories]
    authenticity = next(s for s in analysis.scores if s.category.value == "AUTHENTICITY")
    assert authenticity.value < 30
    ids = {o.id for o in authenticity.observations}
    assert {"authenticity.disposable-email", "authenticity.keyboard-mash"} <= ids
    disposable = next(o for o in authenticity.observations if o.id == "authenticity.disposable-email")
    assert disposable.value < 0.2 and disposable.confidence > 0.8 and disposable.explanation

    scores = client.identities.scores("fake-1")
    assert scores.authenticity == authenticity.value
    assert all(not s.observations for s in scores)
    identity = client.identities.get("fake-1")
    assert identity.authenticity_score == authenticity.value and identity.last_scored_at is not None

    again = client.identities.analysis("fake-1", analysis.id)
    assert again.id == analysis.id and again.raw == analysis.raw


def test_a_script_the_apps_server_reports_is_judged_without_a_tracker(team: Team) -> None:
    """Credential stuffing never loads a page: the app's server sends the client's agent and address with its
    failed logins, and Humanity judges them; a person on the app's own mobile client is not a script."""
    client = team.sdk()
    for _ in range(3):
        client.track("login_failed", identity="stuffed-1", identity_data={"email": "marta.nowak@wp.pl"},
                     data={"ip": "203.0.113.50", "user_agent": "python-requests/2.31.0"})  # fmt: skip
    client.track("login", identity="app-user", identity_data={"email": "jan.kowal@wp.pl"},
                 data={"clientIp": "198.51.100.7", "userAgent": "okhttp/4.12.0"})  # fmt: skip
    for identity in ("stuffed-1", "app-user"):
        client.identities.analyze(identity)
        analyzed(client, identity)
    humanity = next(s for s in client.identities.analysis("stuffed-1").scores if s.category.value == "HUMANITY")
    script = next(o for o in humanity.observations if o.id == "humanity.script-client")
    assert "Python Requests" in script.explanation and humanity.value < 30
    app = client.identities.analysis("app-user")
    assert all(o.id != "humanity.script-client" for s in app.scores for o in s.observations)


def test_history_is_newest_first_and_limited(team: Team) -> None:
    client = team.sdk()
    client.track("login", identity="u-hist")
    for n in range(1, 4):
        client.identities.analyze("u-hist")
        analyzed(client, "u-hist", n)
    history = client.identities.history("u-hist")
    assert [h.cycle_id for h in history] == sorted((h.cycle_id for h in history), reverse=True)
    assert len(history) == 3
    assert [h.cycle_id for h in client.identities.history("u-hist", limit=2)] == [h.cycle_id for h in history[:2]]
    assert history[0].finished_at is not None and history[0].event_count == 1
    with pytest.raises(BadRequestError):
        client.identities.history("u-hist", limit=0)
    r = team.http.get("/api/identities/u-hist/history", params={"limit": "many"})
    assert r.status_code == 400 and r.json()["message"]


def test_unknown_identities_and_cycles_are_404(team: Team) -> None:
    client = team.sdk()
    for call in (
        lambda: client.identities.history("nobody"),
        lambda: client.identities.links("nobody"),
        lambda: client.identities.analysis("nobody"),
        lambda: client.identities.analyze("nobody"),
    ):
        with pytest.raises(NotFoundError):
            call()
    client.track("login", identity="u-404")
    client.identities.analyze("u-404")
    analyzed(client, "u-404")
    with pytest.raises(NotFoundError):
        client.identities.analysis("u-404", 999_999)
    for cycle in ("abc", "-1", "1.5", "99999999999999999999"):
        r = team.http.get(f"/api/identities/u-404/analysis/{cycle}")
        assert r.status_code == 404, cycle
        assert r.json()["message"]


def test_another_team_sees_none_of_it(team: Team, slow_server: LiveServer) -> None:
    client = team.sdk()
    client.track("login", identity="private")
    client.identities.analyze("private")
    analyzed(client, "private")
    cycle = client.identities.analysis("private").id
    other = sign_up(slow_server).sdk()
    for call in (
        lambda: other.identities.analysis("private"),
        lambda: other.identities.analysis("private", cycle),
        lambda: other.identities.history("private"),
        lambda: other.identities.links("private"),
    ):
        with pytest.raises(NotFoundError):
            call()


def test_links_show_aliases_and_shared_ips(team: Team) -> None:
    client = team.sdk()
    client.track("signup", identity="ann", data={"ip": "198.51.100.7"},
                 identity_data={"email": "ann.lee@gmail.com", "name": "Ann Lee"})  # fmt: skip
    client.track("signup", identity="ann-again", data={"ip": "198.51.100.7"},
                 identity_data={"email": "annlee+2@googlemail.com", "name": "Ann Lee"})  # fmt: skip
    client.track("signup", identity="bob", identity_data={"email": "bob@example.net", "name": "Bob Stone"})
    links = client.identities.links("ann")
    by_type = {link.type: link for link in links}
    assert set(by_type) == {"SIMILAR_EMAIL", "SHARED_IP", "SIMILAR_NAME"}
    assert all(link.identity_id == "ann-again" and link.display_name == "Ann Lee" for link in links)
    assert by_type["SIMILAR_EMAIL"].value > by_type["SHARED_IP"].value
    assert by_type["SHARED_IP"].metadata["key"] == "198.51.100.7"
    # Both accounts began on that household-sized IP together: ranked as a cycle ranks it, not as any shared IP.
    assert by_type["SHARED_IP"].explanation.startswith("Began on the same IP address within a day")
    assert by_type["SHARED_IP"].value == 0.6
    assert by_type["SIMILAR_EMAIL"].created_at is not None
    assert list(client.identities.links("bob")) == []

    client.identities.analyze("ann")
    analyzed(client, "ann")
    uniqueness = next(s for s in client.identities.analysis("ann").scores if s.category.value == "UNIQUENESS")
    assert uniqueness.value < 40
    assert "uniqueness.similar-email" in {o.id for o in uniqueness.observations}


def test_identities_sort_by_scores(team: Team) -> None:
    client = team.sdk()
    client.track("signup", identity="real", identity_data={"email": "maria.garcia@example.org", "name": "Maria Garcia"})
    client.track("signup", identity="junk", identity_data={"email": "xkcdqz@mailinator.com", "name": "qwe rty"})
    for who in ("real", "junk"):
        client.identities.analyze(who)
        analyzed(client, who)
    ascending = [i.id for i in client.identities.list(sort="authenticityScore", order="ASC")]
    assert ascending.index("junk") < ascending.index("real")
    descending = [i.id for i in client.identities.list(sort="authenticityScore", order="DESC")]
    assert descending.index("real") < descending.index("junk")
    by_scored = list(client.identities.list(sort="lastScoredAt", order="DESC"))
    assert {i.id for i in by_scored} == {"real", "junk"}
    times = [i.last_scored_at for i in by_scored]
    assert None not in times and times == sorted(times, reverse=True)


def test_analyze_answers_at_once_with_202(team: Team) -> None:
    team.sdk().track("login", identity="u-raw")
    r = team.http.post("/api/identities/u-raw/actions/analyze")
    assert r.status_code == 202
    assert r.json() == {"status": "QUEUED"}


def finished_reviews(client: Dregs, identity: str, count: int) -> list:  # type: ignore[type-arg]
    def probe() -> list | None:  # type: ignore[type-arg]
        found = list(client.identities.reviews(identity))
        done = [r for r in found if r.status != "PENDING"]
        return found if len(done) >= count else None

    return eventually(probe)


def test_a_review_is_written_from_the_identitys_analysis(team: Team) -> None:
    client = team.sdk()
    fake = {"email": "zzqxw@mailinator.com", "name": "test test"}
    client.track("user.signup", identity="rev-1", identity_data=fake)
    assert list(client.identities.reviews("rev-1")) == []
    asked = client.identities.review("rev-1", feedback="Signed up from a bot farm?")
    assert asked.status == "PENDING" and asked.feedback == "Signed up from a bot farm?"
    assert asked.identity_id == "rev-1" and asked.created_at is not None and asked.completed_at is None
    second = client.identities.review("rev-1")
    assert second.id == asked.id + 1 and second.feedback is None

    reviews = finished_reviews(client, "rev-1", 2)
    assert [r.id for r in reviews] == [second.id, asked.id]  # most recent first
    first = reviews[1]
    assert first.status == "FINISHED" and first.completed_at is not None and first.error_message is None
    assert first.summary is not None
    assert first.summary.startswith("Likely fraudulent")
    assert "Disposable Email" in first.summary and "bot farm" in first.summary
    assert first.raw["verdict"] == "LIKELY_FRAUD"
    # The review ran a cycle of its own: it stands on a recorded analysis.
    assert len(client.identities.history("rev-1")) >= 1


def test_reviews_refuse_bad_requests_and_unknown_identities(team: Team) -> None:
    client = team.sdk()
    with pytest.raises(NotFoundError):
        client.identities.review("nobody")
    with pytest.raises(NotFoundError):
        client.identities.reviews("nobody")
    client.track("login", identity="rev-2")
    for body in ({"feedback": "x" * 2001}, {"feedback": 5}, {"note": "hi"}):
        r = team.http.post("/api/identities/rev-2/actions/review", json=body)
        assert r.status_code == 400, body
        assert r.json()["message"]
    assert list(client.identities.reviews("rev-2")) == []


def test_a_disregarded_identity_is_not_reviewed(team: Team) -> None:
    client = team.sdk()
    client.track("login", identity="staff-1")
    client.identities.update("staff-1", disregarded=True)
    client.identities.review("staff-1")
    (review,) = finished_reviews(client, "staff-1", 1)
    assert review.status == "FAILED" and review.summary is None
    assert review.error_message is not None and "disregarded" in review.error_message


def test_analyzers_give_account_takeover_and_registration_bombing_badges(team: Team) -> None:
    client = team.sdk()

    def at(seconds: int) -> datetime:
        return datetime(2026, 11, 1, 10, 0, tzinfo=UTC) + timedelta(seconds=seconds)

    client.track("login", identity="victim", timestamp=at(0), data={"ip": "192.0.2.1"})
    for n in range(6):
        client.track("login_failed", identity="victim", timestamp=at(10 + n), data={"ip": "203.0.113.66"})
    client.track("password_reset", identity="victim", timestamp=at(30), data={"ip": "203.0.113.66"})
    # the owner locked out: the intruder changes the email after the password (a reset alone is the owner's)
    client.track("email_changed", identity="victim", timestamp=at(90), data={"ip": "203.0.113.66"})
    for n in range(5):
        client.track("user.signup", identity=f"bomb-{n}", timestamp=at(60 * n), data={"ip": "198.51.100.200"})
    for who in ("victim", "bomb-0"):
        client.identities.analyze(who)
        analyzed(client, who)

    (badge,) = client.identities.get("victim").badges
    assert badge.slug == "behavior.account-takeover-signal" and badge.name == "Account Takeover Suspected"
    assert badge.type == "BAD" and badge.explanation and badge.metadata["source"] == "ANALYZER"
    assert [i.id for i in client.identities.list(badge="behavior.account-takeover-signal")] == ["victim"]
    assert [b.slug for b in client.identities.get("bomb-0").badges] == ["behavior.registration-bombing"]
