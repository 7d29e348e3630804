"""Backtests of badge and escalation rules on a live server (SQLite and PostgreSQL, each a database of its own so no
other team's background work moves the logs): real decisions, made by sending events and letting scoring run,
replayed under drafts through POST /api/badge-rules/backtest and /api/escalation-rules/backtest and the rule
editors' Backtest panel. The diff is checked exactly against the recorded scores; nothing is recorded or written by
a backtest; bad input is a 400, an unknown rule a 404; only admins and the server key may ask, and only for their
own team's decisions; the time bound cuts the replay short and says where."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from adapters.audit.stored_events import StoredEvents
from api.time import format_time, parse_time
from application.alerting.backtest import Backtester
from domain.accounts.roles import Role
from domain.alerting.backtest import BADGE, BadgeTerms, RuleHistory
from domain.alerting.conditions import Condition
from projections.alerting.queries.decided import DecidedIndex
from projections.schema import credential_usage, metadata
from tests.e2e import test_alerting_flow
from tests.e2e.test_alerting_rules_api import customer_of
from tests.e2e.test_dashboard import _post, browser_session
from tests.e2e.test_dashboard_keyboard import _keyboard, choose, focused, problems, sign_in, tab_to
from tests.e2e.test_team_limits import dregs_cli
from tests.support import (
    LiveServer,
    Team,
    add_member,
    member_session,
    sign_up,
    wait_until,
)

# A server with a database of its own, as the alerting flow's: no other team's background work moves the logs.
own_database, server = test_alerting_flow.own_database, test_alerting_flow.server

PEOPLE = [f"b{i}" for i in range(6)]
DAY = timedelta(days=1)


@dataclass
class Scored:
    team: Team
    low: int  # the lower of the two authenticity scores the people have
    high: int
    made_at: str  # when the team's live badge rule "Fake data" (authenticity < high) was made: after the decisions


def _history(team: Team) -> dict[str, list[Any]]:
    """Every recorded decision of the people, oldest first (the SDK's score history)."""
    client = team.sdk()
    return {p: sorted(client.identities.history(p), key=lambda h: h.cycle_id) for p in PEOPLE}


@pytest.fixture(scope="module")
def scored(server: LiveServer) -> Scored:
    """Six people, every other one with a disposable mailbox (a lower authenticity), each scored; then the live badge
    rule that marks the lower ones, and their badges given by it."""
    team = sign_up(server)
    client = team.sdk()
    for i, person in enumerate(PEOPLE):
        domain = "mailinator.com" if i % 2 else "example.com"
        client.track("signup", identity=person, identity_data={"name": f"Person {i}", "email": f"{person}@{domain}"})
    wait_until(lambda: all(client.identities.get(p).last_scored_at for p in PEOPLE), 30, "everyone scored")
    values = sorted({h.authenticity for entries in _history(team).values() for h in entries})
    assert len(values) == 2, values
    rule = {"name": "Fake data", "type": "BAD",
            "conditions": [{"condition": "SCORE_LT", "category": "AUTHENTICITY", "threshold": values[1]}]}  # fmt: skip
    r = team.http.post("/api/badge-rules", json=rule)
    assert r.status_code == 201, r.text
    low = {p for p, entries in _history(team).items() if entries[-1].authenticity == values[0]}
    wait_until(
        lambda: {p for p in PEOPLE if [b.slug for b in client.identities.get(p).badges] == ["fake-data"]} == low,
        30,
        "the live rule's badges",
    )
    return Scored(team, values[0], values[1], r.json()["createdAt"])


def _backtest(http: httpx.Client, kind: str, body: dict[str, Any], **params: Any) -> dict[str, Any]:
    r = http.post(f"/api/{kind}-rules/backtest", json=body, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _settled(team: Team, kind: str, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """A backtest (all its changes on one page) and the decisions it replayed, read before and after it alike: scoring
    had nothing left to do meanwhile."""

    def attempt() -> tuple[dict[str, Any], dict[str, list[Any]]] | None:
        before = _history(team)
        found = _backtest(team.http, kind, body, pageSize=100, sort="identity", order="ASC")
        return (found, before) if _history(team) == before else None

    return wait_until(attempt, 30, "a backtest while nothing was being scored")


def _expected(history: dict[str, list[Any]], holds_draft, holds_rule=None, *, yes: str, no: str) -> list[tuple]:  # noqa: ANN001
    """The changes a rule without delays makes, from the recorded scores alone: at each decision the draft (and the
    rule, if any, from when it stood) holds or not; where they differ, from which decision until which."""
    found = []
    for person in sorted(history):
        current = None
        for entry in history[person]:
            at = format_time(entry.finished_at)
            mine = holds_draft(entry.authenticity)
            theirs = holds_rule(entry, at) if holds_rule else False
            state = None if mine == theirs else mine
            if current is not None and state != current[1]:
                found.append((*current, at))
                current = None
            if state is not None and current is None:
                current = (person, state, at)
        if current is not None:
            found.append((*current, None))
    return [(person, yes if state else no, at, until) for person, state, at, until in found]


def _changes(found: dict[str, Any]) -> list[tuple]:
    return [(c["identity"]["id"], c["change"], c["at"], c["until"]) for c in found["changes"]["content"]]


def _draft(threshold: int, comparison: str = "SCORE_LT") -> dict[str, Any]:
    return {"condition": comparison, "category": "AUTHENTICITY", "threshold": threshold}


def test_a_new_badge_rule_gains_its_badge_for_exactly_those_its_threshold_catches(scored: Scored) -> None:
    body = {"rule": {"name": "Doubtful", "type": "BAD", "conditions": [_draft(scored.high)]}}
    found, history = _settled(scored.team, "badge", body)
    expected = _expected(history, lambda score: score < scored.high, yes="GAIN", no="LOSE")
    assert _changes(found) == expected and len(expected) == 3
    decisions = sum(len(entries) for entries in history.values())
    assert found["counts"] == {"identitiesEvaluated": 6, "decisionsReplayed": decisions, "identitiesChanged": 3,
                               "wouldGain": 3, "wouldLose": 0, "wouldOpen": 0, "wouldClose": 0}  # fmt: skip
    assert found["truncated"] is False and found["stoppedAt"] is None
    (first,) = [c for c in found["changes"]["content"] if c["identity"]["id"] == expected[0][0]]
    assert (
        first["identity"]["label"].startswith("Person ")
        and first["identity"]["path"] == f"/api/identities/{expected[0][0]}"
    )
    # The default window: the last 30 days, up to the request.
    start, end = parse_time(found["from"]), parse_time(found["to"])
    assert end - start == timedelta(days=30) and abs(datetime.now(UTC) - end) < timedelta(minutes=1)


def test_a_change_to_a_rule_is_compared_with_the_rule_as_it_stood(scored: Scored) -> None:
    """The live rule was made after the decisions: at each decision there was no rule, and from its making (when
    the live rules judged every scored identity) it gave the lower ones its badge. The draft gives it to the others
    at their decisions."""
    body = {"rule": {"name": "Fake data", "type": "BAD", "conditions": [_draft(scored.high, "SCORE_GTE")]},
            "slug": "fake-data"}  # fmt: skip
    found, history = _settled(scored.team, "badge", body)
    gains = _expected(history, lambda score: score >= scored.high, yes="GAIN", no="LOSE")
    losses = [(p, "LOSE", scored.made_at, None) for p in sorted(history) if history[p][-1].authenticity < scored.high]
    assert _changes(found) == sorted(gains + losses) and len(gains) == len(losses) == 3
    assert (found["counts"]["wouldGain"], found["counts"]["wouldLose"], found["counts"]["identitiesChanged"]) == (
        3,
        3,
        6,
    )


def test_an_escalation_rule_asking_for_the_badge_opens_when_the_badge_was_given(scored: Scored) -> None:
    """The badge came from the rule's sweep when it was made, not with a decision: the live escalation rules were
    judged in that same evaluation, and the replay judges the draft then too."""
    rule = {"name": "Fake sign-ups", "severity": "CRITICAL",
            "conditions": [{"condition": "BADGE_EXISTS", "badge": "fake-data"}]}  # fmt: skip
    found, history = _settled(scored.team, "escalation", {"rule": rule})
    low = sorted(p for p in history if history[p][-1].authenticity < scored.high)
    assert [(c[0], c[1], c[3]) for c in _changes(found)] == [(p, "OPEN", None) for p in low]
    made = parse_time(scored.made_at)
    assert all(made <= parse_time(c[2]) < made + timedelta(seconds=30) for c in _changes(found))
    assert found["counts"]["wouldOpen"] == 3 and found["counts"]["wouldClose"] == 0
    # Waiting an hour before opening: none would have opened by now.
    waiting = _backtest(scored.team.http, "escalation", {"rule": {**rule, "openAfterSeconds": 3600}})
    assert waiting["counts"]["wouldOpen"] == 0 and waiting["changes"]["content"] == []
    # On scores alone, at the decisions themselves.
    scores_only = {"rule": {**rule, "conditions": [_draft(scored.high)]}}
    found, history = _settled(scored.team, "escalation", scores_only)
    assert _changes(found) == _expected(history, lambda score: score < scored.high, yes="OPEN", no="CLOSE")


def test_changes_are_paged_and_sorted(scored: Scored) -> None:
    body = {"rule": {"name": "Fake data", "type": "BAD", "conditions": [_draft(scored.high, "SCORE_GTE")]},
            "slug": "fake-data"}  # fmt: skip
    everything = _backtest(scored.team.http, "badge", body, pageSize=100)
    newest_first = [c["at"] for c in everything["changes"]["content"]]
    assert newest_first == sorted(newest_first, reverse=True)
    pages = [_backtest(scored.team.http, "badge", body, pageSize=4, pageNumber=n) for n in (0, 1)]
    assert [p["changes"]["totalElements"] for p in pages] == [6, 6] and pages[0]["changes"]["totalPages"] == 2
    assert (pages[0]["changes"]["first"], pages[1]["changes"]["last"]) == (True, True)
    assert [c for p in pages for c in p["changes"]["content"]] == everything["changes"]["content"]
    r = scored.team.http.post("/api/badge-rules/backtest", json=body, params={"sort": "score"})
    assert r.status_code == 400 and "cannot sort by 'score'" in r.json()["message"]


def test_bad_input_is_a_400_that_says_why_and_an_unknown_rule_a_404(scored: Scored) -> None:
    http = scored.team.http
    rule = {"name": "Doubtful", "type": "BAD", "conditions": [_draft(scored.high)]}
    now = datetime.now(UTC)
    for body, says in (
        ({"rule": {**rule, "conditions": [{"condition": "SCORE_LT", "category": "X", "threshold": 1}]}}, "category"),
        ({"rule": {**rule, "conditions": [{"condition": "BADGE_EXISTS", "badge": "x"}]}}, "not allowed here"),
        ({"rule": {**rule, "applyDelaySeconds": -1}}, "applyDelaySeconds"),
        ({"rule": rule, "from": format_time(now), "to": format_time(now - timedelta(days=1))}, "before"),
        ({"rule": rule, "from": format_time(now - timedelta(days=400)), "to": format_time(now)}, "366 days"),
        ({"rule": rule, "from": "yesterday"}, "ISO-8601"),
        (
            {"rule": rule, "from": format_time(now + timedelta(days=1)), "to": format_time(now + timedelta(days=2))},
            "in the past",
        ),
        ({"rule": rule, "extra": 1}, "extra"),
        ({"slug": "fake-data"}, "rule"),
    ):
        r = http.post("/api/badge-rules/backtest", json=body)
        assert r.status_code == 400 and says in r.json()["message"], (body, r.text)
    unknown = {"name": "E", "severity": "INFO", "conditions": [_draft(1)], "channels": ["nope"]}
    r = http.post("/api/escalation-rules/backtest", json={"rule": unknown})
    assert r.status_code == 400 and "no channel 'nope'" in r.json()["message"]
    r = http.post("/api/badge-rules/backtest", json={"rule": rule, "slug": "no-such-rule"})
    assert r.status_code == 404 and r.json()["message"] == "Badge rule not found"
    # The path is the backtest's: no rule may take its slug.
    r = http.post("/api/badge-rules", json={**rule, "name": "Backtest"})
    assert r.status_code == 400 and "'backtest'" in r.json()["message"]


def test_a_window_reaches_back_no_further_than_the_teams_retention(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "Kept ten days " + secrets.token_hex(4)
    team = sign_up(server, name)
    dregs_cli(server, monkeypatch, "teams", "set-limits", name, "--retention-days", "10")
    rule = {"name": "Doubtful", "type": "BAD", "conditions": [_draft(50)]}
    r = team.http.post("/api/badge-rules/backtest", json={"rule": rule})  # 30 days by default
    assert r.status_code == 400 and "at most 10 days ago" in r.json()["message"]
    start = format_time(datetime.now(UTC) - timedelta(days=9))
    assert _backtest(team.http, "badge", {"rule": rule, "from": start})["counts"]["decisionsReplayed"] == 0


def _state(server: LiveServer) -> tuple[dict[str, int], dict[str, list[tuple]]]:
    """Every log's head and every read-model table's rows (but credential_usage, the minute a key was last used)."""
    container = server.container
    heads = {
        app.name: app.recorder.max_notification_id() or 0
        for app in (container.accounts, container.tracking, container.scoring, container.alerting)
    }
    with container.views.connect() as conn:
        tables = {
            t.name: sorted(map(repr, conn.execute(select(t)).all()))
            for t in metadata.sorted_tables
            if t is not credential_usage
        }
    return heads, tables


def test_a_backtest_changes_nothing(server: LiveServer, scored: Scored) -> None:
    """No log grows and no read model changes, whichever way it is asked (a background write meanwhile would show
    as a change too: the comparison is made again until none came between)."""
    rule = {"name": "Fake data", "type": "BAD", "conditions": [_draft(scored.high, "SCORE_GTE")],
            "applyDelaySeconds": 60}  # fmt: skip
    wants = [{"condition": "BADGE_EXISTS", "badge": "fake-data"}]
    escalation = {"name": "Fake sign-ups", "severity": "CRITICAL", "conditions": wants, "closeAfterSeconds": 0}
    http = browser_session(server, scored.team.email, next_page="/settings/rules")  # signing in is recorded: first

    def unchanged() -> bool:
        before = _state(server)
        assert _backtest(scored.team.http, "badge", {"rule": rule, "slug": "fake-data"})["counts"]["wouldLose"] == 3
        assert _backtest(scored.team.http, "escalation", {"rule": escalation})["counts"]["wouldOpen"] == 3
        page = _post(http, "/settings/rules/backtest", backtest_kind="badge", backtest_slug="fake-data",
                     name="Fake data", type="BAD", kind_0="SCORE_GTE", category_0="AUTHENTICITY",
                     value_0=str(scored.high), enabled="on")  # fmt: skip
        assert page.status_code == 200 and "data-backtest-counts" in page.text
        return _state(server) == before

    wait_until(unchanged, 30, "backtests that left every log and read model as it was")


def test_only_admins_and_the_server_key_may_backtest_and_only_their_teams_decisions(
    server: LiveServer, scored: Scored
) -> None:
    body = {"rule": {"name": "Doubtful", "type": "BAD", "conditions": [_draft(scored.high)]}}
    for role in (Role.VIEWER.value, Role.USER.value):
        with member_session(server, scored.team, role) as member:
            r = member.post("/api/badge-rules/backtest", json=body)
            assert r.status_code == 403 and r.json()["message"] == "Only an admin can do this"
    assert _backtest(scored.team.dashboard, "badge", body)["counts"]["wouldGain"] == 3  # an admin's session
    other = sign_up(server)
    other.sdk().track("signup", identity=PEOPLE[1], identity_data={"email": "someone@mailinator.com"})
    wait_until(lambda: other.sdk().identities.get(PEOPLE[1]).last_scored_at, 30, "the other team's decision")
    theirs = _backtest(other.http, "badge", body)
    assert theirs["counts"]["identitiesEvaluated"] == 1 and theirs["counts"]["decisionsReplayed"] == 1
    r = other.http.post("/api/badge-rules/backtest", json={**body, "slug": "fake-data"})  # not their rule
    assert r.status_code == 404


def test_the_replay_stops_when_its_time_is_up_and_says_where(server: LiveServer, scored: Scored) -> None:
    container = server.container
    customer = customer_of(server, scored.team)
    draft = RuleHistory.draft(BadgeTerms((Condition("SCORE_LT", category="AUTHENTICITY", threshold=scored.high),)))
    index = DecidedIndex(container.read_models)
    now = datetime.now(UTC)

    def run(**bounds: Any) -> Any:
        backtester = Backtester(container.scoring, container.alerting, StoredEvents(), page_size=1, **bounds)
        return backtester.run(index, customer, BADGE, draft, RuleHistory(), backtester.window(customer, now - DAY, now))

    hurried = run(budget_seconds=0)  # out of time after its first page, of one decision
    first = min((h for entries in _history(scored.team).values() for h in entries), key=lambda h: h.finished_at)
    assert hurried.truncated and format_time(hurried.stopped_at) == format_time(first.finished_at)
    assert (hurried.outcome.decisions, hurried.outcome.identities) == (1, 1)
    whole = run()
    assert not whole.truncated and whole.stopped_at is None and whole.outcome.identities == len(PEOPLE)


def test_the_rule_editors_backtest_their_draft_without_javascript(server: LiveServer, scored: Scored) -> None:
    http = browser_session(server, scored.team.email, next_page="/settings/rules")
    draft = {"name": "Doubtful", "type": "BAD", "kind_0": "SCORE_LT", "category_0": "AUTHENTICITY",
             "value_0": str(scored.high)}  # fmt: skip
    page = _post(http, "/settings/rules/backtest", backtest_kind="badge", **draft)
    assert page.status_code == 200 and "<h1>Settings</h1>" in page.text  # the rules page, the draft kept
    assert (
        "<strong data-backtest-changed>3</strong> would fare differently (3 gains of the badge, 0 losses)" in page.text
    )
    assert page.text.count("data-backtest-change=") == 3 and 'href="/identities/b1"' in page.text
    assert 'value="Doubtful"' in page.text
    # A rule's own page backtests a change to it; a window that is not one is told in the panel.
    page = _post(http, "/settings/rules/backtest", backtest_kind="badge", backtest_slug="fake-data",
                 **{**draft, "kind_0": "SCORE_GTE"}, enabled="on")  # fmt: skip
    assert page.status_code == 200 and "(3 gains of the badge, 3 losses)" in page.text and "version 1" in page.text
    page = _post(http, "/settings/rules/backtest", backtest_kind="badge", backtest_from="2026-13-01T00:00", **draft)
    assert page.status_code == 200 and "from and to must be ISO-8601 instants" in page.text
    assert _post(http, "/settings/rules/backtest", backtest_kind="nothing", **draft).status_code == 404
    viewer = browser_session(server, add_member(server, scored.team, Role.VIEWER.value))
    assert "Backtest" not in viewer.get("/settings/rules").text
    assert _post(viewer, "/settings/rules/backtest", backtest_kind="badge", **draft).status_code == 403


def test_the_backtest_button_swaps_in_its_panel_in_a_browser_worked_by_keyboard(
    server: LiveServer, scored: Scored
) -> None:
    """Chromium with the keys alone: the new badge rule's draft, its Backtest button, the panel htmx swaps in (the
    focus stays on the button, nothing breaks the CSP), and no rule made."""
    form = "form[action='/settings/rules/badge']"

    def steps(page: Any) -> None:
        sign_in(page, scored.team.email)
        page.goto(server.base_url + "/settings/rules")
        tab_to(page, f"{form} [name=name]")
        page.keyboard.type("Doubtful")
        tab_to(page, f"{form} [name=kind_0]")
        choose(page, "SCORE_LT")
        tab_to(page, f"{form} [name=category_0]")
        choose(page, "AUTHENTICITY")
        tab_to(page, f"{form} [name=value_0]")
        page.keyboard.type(str(scored.high))
        tab_to(page, f"{form} button[formaction='/settings/rules/backtest']")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"{form} [data-backtest-changed]:text-is('3')")
        assert focused(page, f"{form} button[formaction='/settings/rules/backtest']")["matches"]
        assert page.url.endswith("/settings/rules") and problems(page.content()) == []
        assert page.locator(f"{form} [data-backtest-change]").count() == 3

    assert _keyboard(server, steps) == []
    assert [r["slug"] for r in scored.team.http.get("/api/badge-rules").json()["content"]] == ["fake-data"]
