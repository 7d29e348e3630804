"""A projection that cannot apply one event steps over it, records it and carries on; a failure of
the surroundings (the database gone) is retried and never skipped (projections/runner.py)."""

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from sqlalchemy import BigInteger, Column, Connection, Engine, MetaData, Table, Text, insert, select, text
from sqlalchemy import exc as sa_exc

from adapters.bootstrap import build_container
from adapters.eventstore import sqlite_env
from adapters.privacy.key_store import key_ring_beside
from adapters.settings import load_settings
from adapters.views_db import drop_views, views_engine
from application.tracking.application import TrackingApplication
from domain.accounts.credential import Credential
from domain.ids import user_id_for_email
from domain.scoring.dataset_entry import DatasetEntry
from domain.tracking.mapping_rule import MappingRule
from projections.projection_status import failures
from projections.runner import ProjectionRunner, deterministic
from projections.schema import projection_failures, projection_positions
from tests.support import LiveServer, Team, fresh_postgres_database, live_server, sign_up

# --- one team's unprojectable event, on a live PostgreSQL-backed server ----------------------


@pytest.fixture(scope="module")
def pg_server() -> Iterator[LiveServer]:
    with fresh_postgres_database() as url, live_server(url) as server:
        yield server


def _poison_dataset_entry(server: LiveServer, team: Team) -> None:
    """The event a NUL key made before the domain refused it: PostgreSQL's text columns cannot hold it."""
    customer = _customer_of(server, team)
    entry = DatasetEntry(customer_id=customer, slug="blocked_domains", key="evil\x00.example")
    entry.put("from before the fix")
    server.container.scoring.save(entry)


def _poison_credential(server: LiveServer, team: Team) -> None:
    customer = _customer_of(server, team)
    server.container.accounts.save(
        Credential(
            customer_id=customer,
            name="web\x00",
            public_key="pk_" + uuid4().hex,
            secret_key_hash=uuid4().hex,
            allowed_origins=[],
            issued_by=customer,
        )
    )


def _poison_mapping(server: LiveServer, team: Team) -> None:
    customer = _customer_of(server, team)
    rule = MappingRule(customer_id=customer, kind="EVENT_TYPE", source="check\x00out")
    rule.put("check\x00out", "LOGIN", None)
    server.container.tracking.save(rule)


def _customer_of(server: LiveServer, team: Team) -> UUID:
    user = server.container.accounts.user(user_id_for_email(team.email))
    assert user is not None
    return user.customer_id


def _health(server: LiveServer) -> dict[str, Any]:
    r = httpx.get(server.base_url + "/health")
    assert r.status_code == 200, r.text
    return r.json()


def test_health_is_ok_while_every_event_applies(pg_server: LiveServer) -> None:
    team = sign_up(pg_server)
    team.http.post("/api/events", json={"type": "signup", "identity": {"id": "healthy"}})
    for runner in pg_server.container.runners:
        assert runner.wait_for_head(10)
    health = _health(pg_server)
    assert health["status"] == "ok"
    assert set(health["projections"]) == {"accounts", "tracking", "scoring", "alerting"}
    assert all(p["failed"] == 0 for p in health["projections"].values())


def test_one_teams_unprojectable_events_never_stop_another_team(pg_server: LiveServer) -> None:
    container = pg_server.container
    attacker, victim = sign_up(pg_server), sign_up(pg_server)
    assert failures_of(container.views) == [], "this test expects a database no earlier test poisoned"

    _poison_dataset_entry(pg_server, attacker)
    _poison_credential(pg_server, attacker)
    _poison_mapping(pg_server, attacker)

    # The victim's writes to each of the three logs, after the poison.
    entry = victim.dashboard.put("/api/datasets/CUSTOMER/blocked_domains/entries", json={"key": "spam.example"})
    assert entry.status_code == 200, entry.text
    issued = victim.dashboard.post("/api/credentials", json={"name": "after the poison"})
    assert issued.status_code == 201, issued.text
    tracked = victim.http.post("/api/events", json={"type": "login", "id": "after", "identity": {"id": "v1"}})
    assert tracked.status_code == 200, tracked.text

    for runner in container.runners:
        assert runner.wait_for_head(15), f"{runner.name} did not get past the poison"
    entries = victim.dashboard.get("/api/datasets/CUSTOMER/blocked_domains/entries").json()
    assert [e["key"] for e in entries] == ["spam.example"]
    names = [c["name"] for c in victim.dashboard.get("/api/credentials").json()]
    assert "after the poison" in names
    assert victim.http.get("/api/events/after").json()["identity"]["id"] == "v1"

    recorded = {f["projection"]: f for f in failures_of(container.views)}
    assert set(recorded) == {"scoring", "accounts", "tracking"}
    assert recorded["scoring"]["topic"].endswith("DatasetEntry.Put")
    assert recorded["accounts"]["topic"].endswith("Credential.Issued")
    assert recorded["tracking"]["topic"].endswith("MappingRule.Set")
    for failure in recorded.values():
        # PostgreSQL's words for it: "invalid byte sequence for encoding "UTF8": 0x00" (binary
        # parameters) or psycopg's "cannot contain NUL (0x00) bytes" (text ones).
        assert "DataError" in failure["error"] and "0x00" in failure["error"], failure["error"]
        assert failure["attempts"] >= 2  # never stepped over without trying it alone
        assert failure["first_failed_at"] <= failure["last_failed_at"]

    health = _health(pg_server)
    assert health["status"] == "degraded"
    assert {name: p["failed"] for name, p in health["projections"].items()} == {
        "accounts": 1,
        "tracking": 1,
        "scoring": 1,
        "alerting": 0,
    }
    assert all(isinstance(p["behind"], int) and p["behind"] >= 0 for p in health["projections"].values())


def failures_of(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return failures(conn)


# --- the runner itself, with a small projection of its own ---------------------------------

test_metadata = MetaData()
applied = Table(
    "test_applied",
    test_metadata,
    Column("position", BigInteger, primary_key=True),
    Column("note", Text, nullable=False),
)


class NoteProjection:
    """Writes one row per notification. `poisoned` positions write a NUL (a real DataError on
    PostgreSQL) or raise ValueError (on SQLite, which stores NUL); `outages` positions lose
    their database connection on their first `outages[position]` attempts."""

    name = "notes"

    def __init__(self, poisoned: set[int] | None = None, outages: dict[int, int] | None = None) -> None:
        self.poisoned = poisoned or set()
        self.outages = outages or {}
        self.attempts: dict[int, int] = {}

    def apply(self, conn: Connection, events: list[tuple[int, Any]]) -> None:
        for position, _ in events:
            self.attempts[position] = self.attempts.get(position, 0) + 1
            if self.outages.get(position, 0) >= self.attempts[position]:
                # The server ends this session, as a restart or a failover does.
                conn.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
            note = f"n{position}"
            if position in self.poisoned:
                if conn.dialect.name != "postgresql":
                    raise ValueError(f"cannot apply notification {position}")
                note += "\x00"
            conn.execute(insert(applied).values(position=position, note=note))


@contextlib.contextmanager
def store_and_views(database_url: str | None) -> Iterator[tuple[TrackingApplication, Engine]]:
    with tempfile.TemporaryDirectory() as d:
        app = TrackingApplication(env := sqlite_env(Path(d), "tracking"), key_ring=key_ring_beside(env))
        engine = views_engine(database_url, Path(d))
        test_metadata.drop_all(engine)
        test_metadata.create_all(engine)
        with engine.begin() as conn:
            # The PostgreSQL views are shared by this module's tests: start from nothing.
            conn.execute(projection_positions.delete().where(projection_positions.c.name == NoteProjection.name))
            conn.execute(projection_failures.delete().where(projection_failures.c.projection == NoteProjection.name))
        try:
            yield app, engine
        finally:
            test_metadata.drop_all(engine)
            engine.dispose()
            app.close()


def _write(app: TrackingApplication, count: int) -> int:
    """`count` notifications in the log; returns the head."""
    customer = uuid4()
    app.edit_identity(customer, "u", attributes={"n": 0}, disregarded=None)  # created and edited: two
    for n in range(1, count - 1):
        app.edit_identity(customer, "u", attributes={"n": n}, disregarded=None)
    head = app.recorder.max_notification_id()
    assert head == count
    return head


def _applied(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(select(applied.c.position).order_by(applied.c.position)).scalars())


def _runner(engine: Engine, app: TrackingApplication, projection: NoteProjection, batch: int) -> ProjectionRunner:
    return ProjectionRunner(engine, projection, app.recorder, app.mapper.to_domain_event, batch_size=batch)


@pytest.fixture(scope="module")
def pg_views() -> Iterator[str]:
    with fresh_postgres_database() as url:
        yield url


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_batch_is_bisected_to_step_over_only_the_failing_notifications(backend: str, pg_views: str) -> None:
    with store_and_views(pg_views if backend == "postgres" else None) as (app, engine):
        head = _write(app, 40)
        poisoned = {7, 8, 31}
        projection = NoteProjection(poisoned=poisoned)
        runner = _runner(engine, app, projection, batch=1000)
        assert runner.catch_up() == head
        assert runner.position() == head
        assert _applied(engine) == [n for n in range(1, head + 1) if n not in poisoned]
        recorded = [f for f in failures_of(engine) if f["projection"] == "notes"]
        assert [f["notification_id"] for f in recorded] == sorted(poisoned)
        for failure in recorded:
            # Every failed transaction that held it counts; it was itself tried at least twice alone.
            assert failure["attempts"] >= projection.attempts[failure["notification_id"]] >= 2
            assert "Identity" in failure["topic"]
        # Each notification that applies was applied, and committed, in some transaction.
        assert all(projection.attempts[n] >= 1 for n in range(1, head + 1))


def test_a_lost_connection_is_retried_and_never_stepped_over(pg_views: str) -> None:
    with store_and_views(pg_views) as (app, engine):
        _write(app, 5)
        projection = NoteProjection(outages={3: 2})  # the database goes away twice while applying 3
        runner = _runner(engine, app, projection, batch=1000)
        for _ in range(2):
            with pytest.raises(sa_exc.OperationalError) as lost:
                runner.run_once()
            assert not deterministic(lost.value)
            assert runner.position() == 0  # nothing of the batch is committed, nothing skipped
        assert runner.run_once() == 5
        assert _applied(engine) == [1, 2, 3, 4, 5]
        assert [f for f in failures_of(engine) if f["projection"] == "notes"] == []


def test_the_runner_thread_rides_out_an_outage(pg_views: str) -> None:
    """As `dregs run projections` runs it: retried with backoff until the database is back."""
    with store_and_views(pg_views) as (app, engine):
        _write(app, 3)
        runner = _runner(engine, app, NoteProjection(outages={2: 3}), batch=1000)
        runner.start()
        try:
            assert runner.wait_for(3, timeout=20)
        finally:
            runner.stop()
        assert _applied(engine) == [1, 2, 3]
        assert [f for f in failures_of(engine) if f["projection"] == "notes"] == []


def test_real_database_errors_are_classified(pg_views: str) -> None:
    engine = views_engine(pg_views, Path(tempfile.gettempdir()))
    test_metadata.create_all(engine)
    try:
        verdicts = {}
        for name, statement, expected in [
            ("nul", lambda c: c.execute(insert(applied).values(position=1, note="a\x00")), sa_exc.DataError),
            (
                "duplicate",
                lambda c: c.execute(insert(applied), [{"position": 2, "note": "x"}, {"position": 2, "note": "y"}]),
                sa_exc.IntegrityError,
            ),
            ("table gone", lambda c: c.execute(text("SELECT * FROM no_such_table")), sa_exc.ProgrammingError),
            (
                "timeout",
                lambda c: (c.execute(text("SET LOCAL statement_timeout = 1")), c.execute(text("SELECT pg_sleep(1)"))),
                sa_exc.OperationalError,
            ),
            (
                "connection lost",
                lambda c: c.execute(text("SELECT pg_terminate_backend(pg_backend_pid())")),
                sa_exc.OperationalError,
            ),
        ]:
            with pytest.raises(expected) as raised, engine.begin() as conn:
                statement(conn)
            verdicts[name] = deterministic(raised.value)
        assert verdicts == {
            "nul": True,
            "duplicate": True,
            "table gone": False,
            "timeout": False,
            "connection lost": False,
        }
    finally:
        test_metadata.drop_all(engine)
        engine.dispose()


def test_rebuild_tries_recorded_failures_again(tmp_path: Path) -> None:
    """`dregs projections rebuild` applies every event again: a poisoned one fails again, is listed,
    and the command exits 1; the rest of the read models are whole."""
    with fresh_postgres_database() as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DREGS_DATA_DIR": str(tmp_path),
            "DREGS_JWT_SECRET": "j" * 40,
            "DREGS_KEY_HASH_SECRET": "k" * 40,
        }
        container = build_container(load_settings(env))
        try:
            _, team = container.accounts.sign_up("rebuild@example.com", "correct horse battery", "Ada", "Team")
            entry = DatasetEntry(customer_id=team.id, slug="blocked_domains", key="evil\x00.example")
            entry.put(None)
            container.scoring.save(entry)
            poisoned = container.scoring.recorder.max_notification_id()
            container.scoring.put_dataset_entry(team.id, "blocked_domains", "fine.example", None)
            head = container.scoring.recorder.max_notification_id()
            container.scoring_runner.catch_up()
            with container.views.connect() as conn:
                assert [f["notification_id"] for f in failures(conn)] == [poisoned]
        finally:
            container.close()

        done = subprocess.run(
            [sys.executable, "-m", "api.cli", "projections", "rebuild"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1, (done.stdout, done.stderr)
        assert f"scoring: rebuilt up to notification {head}" in done.stdout
        assert f"scoring: notification {poisoned} (" in done.stderr and "DatasetEntry" in done.stderr

        after = build_container(load_settings(env))
        try:
            with after.views.connect() as conn:
                recorded = failures(conn)
                keys = conn.execute(text("SELECT key FROM dataset_entries")).scalars().all()
            assert [(f["projection"], f["notification_id"]) for f in recorded] == [("scoring", poisoned)]
            assert recorded[0]["attempts"] >= 2
            assert keys == ["fine.example"]
        finally:
            after.close()


def test_rebuild_applies_a_failure_once_its_cause_is_gone(pg_views: str) -> None:
    with store_and_views(pg_views) as (app, engine):
        _write(app, 6)
        broken = NoteProjection(poisoned={4})
        _runner(engine, app, broken, batch=1000).catch_up()
        assert [f["notification_id"] for f in failures_of(engine) if f["projection"] == "notes"] == [4]
        # The projection fixed (a new release), the read models rebuilt: as adapters/bootstrap.py does.
        drop_views(engine)
        test_metadata.drop_all(engine)
        test_metadata.create_all(engine)
        fixed = _runner(engine, app, NoteProjection(), batch=1000)
        fixed.catch_up()
        assert _applied(engine) == [1, 2, 3, 4, 5, 6]
        assert failures_of(engine) == []
