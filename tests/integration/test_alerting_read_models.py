"""Alerting's rules and escalations read models and their queries, on SQLite and PostgreSQL; and the
SQL translation of rule conditions, property-tested against the pure `all_hold`."""

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, insert

from adapters.bootstrap import Container, build_container
from application.alerting.escalations import move
from application.alerting.rules import (
    change_badge_rule,
    change_escalation_rule,
    create_badge_rule,
    create_escalation_rule,
    delete_badge_rule,
    delete_escalation_rule,
)
from domain.alerting.conditions import ANY, CATEGORIES, Condition, Facts, all_hold
from domain.alerting.escalation import Escalation
from domain.times import to_micros
from projections.alerting.queries.escalations import EscalationFilter, get_escalation, list_escalations, summary
from projections.alerting.queries.matching import count_and_sample, matching_identities
from projections.alerting.queries.rules import badge_rule, escalation_rule, list_badge_rules, list_escalation_rules
from projections.paging import PageRequest
from projections.schema import identities, identity_badges
from tests.support import fresh_postgres_database, settings_for

LOW = [{"condition": "SCORE_LT", "category": "HUMANITY", "threshold": 30}]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def container(request: pytest.FixtureRequest) -> Iterator[Container]:
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_postgres_database()) if request.param == "postgres" else None
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        built = build_container(settings_for(url, Path(tmp)))
        stack.callback(built.close)
        yield built


def _caught_up(container: Container) -> Any:
    container.alerting_runner.catch_up()
    return container.views.connect()


def test_rule_rows_follow_creation_changes_and_deletion(container: Container) -> None:
    app, customer = container.alerting, uuid4()
    created = create_badge_rule(app, customer, {"name": "Likely Bot", "type": "BAD", "conditions": LOW})
    change_badge_rule(app, customer, "likely-bot", {"name": "Bot?", "priority": 9, "remove_delay_seconds": 60})
    create_escalation_rule(
        app, customer, {"name": "Bots", "severity": "WARNING", "conditions": LOW, "close_after_seconds": 30}
    )
    change_escalation_rule(app, customer, "bots", {"effective_at": "2030-01-01T00:00:00Z", "close_after_seconds": None})
    with _caught_up(container) as conn:
        row = badge_rule(conn, customer, "likely-bot")
        assert row is not None and row["rule_id"] == created.id
        assert (row["number"], row["name"], row["priority"], row["remove_delay_seconds"]) == (1, "Bot?", 9, 60)
        assert (row["version"], row["deleted"], row["type"]) == (2, False, "BAD")
        assert row["conditions"][0]["threshold"] == 30
        esc = escalation_rule(conn, customer, "bots")
        assert esc is not None and esc["version"] == 2 and esc["close_after_seconds"] is None
        assert esc["effective_at"] == to_micros(datetime(2030, 1, 1, tzinfo=UTC)) and esc["severity"] == "WARNING"
        assert badge_rule(conn, uuid4(), "likely-bot") is None  # per team
    delete_badge_rule(app, customer, "likely-bot")
    create_badge_rule(app, customer, {"name": "Likely-Bot", "type": "NEUTRAL", "conditions": LOW})
    with _caught_up(container) as conn:
        row = badge_rule(conn, customer, "likely-bot")
        assert row is not None and (row["number"], row["type"], row["version"]) == (2, "NEUTRAL", 1)
        page = list_badge_rules(conn, customer, PageRequest(sort="priority"))
        assert [r["number"] for r in page.rows] == [2] and page.total == 1  # the deleted one is not listed
        assert list_escalation_rules(conn, customer, PageRequest()).total == 1


def _escalation(container: Container, customer: UUID, identity: str, rule: int, severity: str, **kw: Any) -> int:
    app = container.alerting
    number = app.escalation_numbers.claim(customer)
    escalation = Escalation(
        customer_id=customer,
        number=number,
        identity=identity,
        rule_number=rule,
        rule_slug=kw.get("slug", "bots"),
        rule_name="Bots",
        rule_version=1,
        severity=severity,
        conditions=LOW,
        channels=["ops"],
        scores={"HUMANITY": 20},
        badges=[],
        cycle_id=4,
        opens_at=datetime(2026, 1, 1, tzinfo=UTC),
        at=datetime.now(UTC),
    )
    if kw.get("open", True):
        escalation.open(
            scores={"HUMANITY": 10, "BEHAVIOR": 55}, badges=["likely-bot"], cycle_id=5, at=datetime.now(UTC)
        )
    app.save(escalation)
    return number


def test_escalation_rows_follow_their_lifecycle_and_their_rules_deletion(container: Container) -> None:
    app, customer = container.alerting, uuid4()
    rule = create_escalation_rule(app, customer, {"name": "Bots", "severity": "CRITICAL", "conditions": LOW})
    pending = _escalation(container, customer, "u1", rule.number, "INFO", open=False)
    info = _escalation(container, customer, "u1", rule.number, "INFO")
    critical = _escalation(container, customer, "u2", rule.number, "CRITICAL")
    warning = _escalation(container, customer, "u3", 99, "WARNING", slug="other")
    move(app, customer, info, "ACKNOWLEDGED", "ada@example.com")
    move(app, customer, critical, "CLOSED", "api:server")
    cancelled = app.get(Escalation.create_id(customer, pending), Escalation)
    assert cancelled is not None
    cancelled.cancel(at=datetime.now(UTC))
    app.save(cancelled)
    with _caught_up(container) as conn:
        row = get_escalation(conn, customer, info)
        assert row is not None
        assert (row["status"], row["acknowledged_by"], row["scores"]) == (
            "ACKNOWLEDGED",
            "ada@example.com",
            {"HUMANITY": 10, "BEHAVIOR": 55},
        )
        assert row["badges"] == ["likely-bot"] and row["opened_at"] is not None and row["acknowledged_at"] is not None
        assert row["channels"] == ["ops"] and row["rule_version"] == 1 and not row["rule_deleted"]
        closed = get_escalation(conn, customer, critical)
        assert closed is not None and (closed["status"], closed["closed_by"], closed["close_reason"]) == (
            "CLOSED",
            "api:server",
            "CLOSED_BY_USER",
        )
        assert get_escalation(conn, uuid4(), info) is None
        assert summary(conn, customer) == {"OPEN": 1, "ACKNOWLEDGED": 1, "CLOSED": 1, "PENDING": 0}

        def listed(**f: Any) -> list[int]:
            page = PageRequest(sort=f.pop("sort", None), descending=f.pop("descending", True))
            return [r["number"] for r in list_escalations(conn, customer, EscalationFilter(**f), page).rows]

        assert listed() == [warning, critical, info]  # newest first; PENDING and CANCELLED hidden
        assert listed(status="CANCELLED") == [pending]
        assert listed(status="OPEN") == [warning]
        assert listed(sort="severity") == [critical, warning, info]
        assert listed(sort="severity", descending=False) == [info, warning, critical]
        assert listed(identity="u1") == [info]
        assert listed(rule_number=rule.number) == [critical, info]
        assert listed(rule_slug="other") == [warning]
        assert listed(severity="WARNING") == [warning]
    delete_escalation_rule(app, customer, "bots")
    late = _escalation(container, customer, "u4", rule.number, "CRITICAL")  # matched as the rule went away
    with _caught_up(container) as conn:
        assert {n: get_escalation(conn, customer, n)["rule_deleted"] for n in (info, critical, warning, late)} == {  # type: ignore[index]
            info: True,
            critical: True,
            warning: False,
            late: True,
        }
        assert listed(include_deleted_rules=False) == [warning]


# --- matching in SQL, against the pure rule -------------------------------------------------------

NOW = 1_800_000_000_000_000
BADGES = ("a", "b", "c")
SCORE_NAMES = ("HUMANITY", "AUTHENTICITY", "UNIQUENESS", "BEHAVIOR")

seconds = st.sampled_from([0, 1, 59, 60, 3600, 86400]) | st.integers(0, 10 * 86400)
conditions = st.one_of(
    st.builds(
        lambda kind, category, threshold: Condition(kind, category=category, threshold=threshold),
        st.sampled_from(["SCORE_LT", "SCORE_LTE", "SCORE_GT", "SCORE_GTE"]),
        st.sampled_from(CATEGORIES),
        st.integers(0, 100),
    ),
    st.builds(
        lambda kind, badge: Condition(kind, badge=badge),
        st.sampled_from(["BADGE_EXISTS", "BADGE_NOT_EXISTS"]),
        st.sampled_from((*BADGES, "zz")),
    ),
    st.builds(
        lambda kind, s: Condition(kind, seconds=s), st.sampled_from(["IDENTITY_AGE_LT", "IDENTITY_AGE_GT"]), seconds
    ),
)
# Ages on and around the whole seconds conditions compare with, and anywhere else.
ages = st.builds(lambda s, d: s * 1_000_000 + d, seconds, st.sampled_from([-1, 0, 1])) | st.integers(
    0, 11 * 86400 * 10**6
)
one_identity = st.fixed_dictionaries(
    {
        "scores": st.fixed_dictionaries({name: st.none() | st.integers(0, 100) for name in SCORE_NAMES}),
        "badges": st.frozensets(st.sampled_from(BADGES)),
        "age": ages,
        "disregarded": st.booleans(),
    }
)
population = st.lists(one_identity, max_size=12)


def _insert(engine: Engine, customer: UUID, people: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for i, p in enumerate(people):
            scores = {f"{name.lower()}_score": p["scores"][name] for name in SCORE_NAMES}
            conn.execute(
                insert(identities).values(
                    customer_id=customer,
                    identity_id=f"id-{i:03d}",
                    attributes={},
                    disregarded=p["disregarded"],
                    created_at=NOW - p["age"],
                    updated_at=NOW,
                    last_tracked_at=NOW - i,
                    event_count=1,
                    **scores,
                )
            )
            for slug in sorted(p["badges"]):
                conn.execute(
                    insert(identity_badges).values(
                        customer_id=customer, identity_id=f"id-{i:03d}", slug=slug, name=slug, metadata={}, priority=0
                    )
                )


def _expected(people: list[dict[str, Any]], rule: tuple[Condition, ...]) -> set[str]:
    found = set()
    for i, p in enumerate(people):
        scores = {k: v for k, v in p["scores"].items() if v is not None}
        facts = Facts(scores=scores, badges=p["badges"], first_seen=NOW - p["age"], now=NOW)
        if not p["disregarded"] and all_hold(rule, facts):
            found.add(f"id-{i:03d}")
    return found


def _check_matching(engine: Engine, people: list[dict[str, Any]], rule: tuple[Condition, ...], page: int) -> None:
    customer = uuid4()
    _insert(engine, customer, people)
    _insert(engine, uuid4(), people)  # another team's identical identities are never matched
    expected = _expected(people, rule)
    with engine.connect() as conn:
        count, sample = count_and_sample(conn, customer, rule, NOW, limit=5)
        assert count == len(expected)
        assert {r["identity_id"] for r in sample} <= expected and len(sample) == min(5, len(expected))
        walked: list[str] = []
        after = None
        while True:
            batch = matching_identities(conn, customer, rule, NOW, after, page)
            walked += batch
            if len(batch) < page:
                break
            after = batch[-1]
    assert walked == sorted(expected)


@pytest.fixture(scope="module")
def sqlite_views() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory() as tmp:
        built = build_container(settings_for(None, Path(tmp)))
        try:
            yield built.views
        finally:
            built.close()


@settings(max_examples=300)
@given(people=population, rule=st.lists(conditions, max_size=4).map(tuple), page=st.integers(1, 4))
def test_sql_matching_agrees_with_all_hold_on_sqlite(
    sqlite_views: Engine, people: list[dict[str, Any]], rule: tuple[Condition, ...], page: int
) -> None:
    _check_matching(sqlite_views, people, rule, page)


def test_sql_matching_agrees_with_all_hold_on_postgres() -> None:
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_postgres_database())
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        built = build_container(settings_for(url, Path(tmp)))
        stack.callback(built.close)

        @settings(max_examples=60)
        @given(people=population, rule=st.lists(conditions, max_size=4).map(tuple), page=st.integers(1, 4))
        def run(people: list[dict[str, Any]], rule: tuple[Condition, ...], page: int) -> None:
            _check_matching(built.views, people, rule, page)

        run()


def test_any_and_unscored_categories_in_sql() -> None:
    """The cases the property test must reach, stated: ANY holds when one score does; an unscored
    category matches no score condition, not even a `< 100`; an empty rule matches nobody."""
    people = [
        {"scores": dict.fromkeys(SCORE_NAMES), "badges": frozenset(), "age": 10, "disregarded": False},
        {
            "scores": {**dict.fromkeys(SCORE_NAMES), "BEHAVIOR": 3},
            "badges": frozenset(),
            "age": 10,
            "disregarded": False,
        },
    ]
    assert _expected(people, (Condition("SCORE_LT", category=ANY, threshold=5),)) == {"id-001"}
    assert _expected(people, (Condition("SCORE_LT", category="HUMANITY", threshold=100),)) == set()
    assert _expected(people, ()) == set()
    with tempfile.TemporaryDirectory() as tmp:
        built = build_container(settings_for(None, Path(tmp)))
        try:
            for rule in (
                (Condition("SCORE_LT", category=ANY, threshold=5),),
                (Condition("SCORE_LT", category="HUMANITY", threshold=100),),
                (),
            ):
                _check_matching(built.views, people, rule, 2)
        finally:
            built.close()
