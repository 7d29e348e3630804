"""Read models can be dropped and rebuilt from the event store, identically."""

import contextlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update

from adapters.bootstrap import build_container
from domain.tracking.event_request import EventInput, GroupInput
from projections.schema import identities, metadata, read_model_version
from tests.support import fresh_postgres_database, server_event, settings_for

# When a queued identity becomes due is wall-clock scheduling, not history: a rebuild sets it anew.
SCHEDULING = {("identity_features", "due_at")}


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(
                tuple(repr(v) for c, v in zip(t.columns, row, strict=True) if (t.name, c.name) not in SCHEDULING)
                for row in conn.execute(select(t))
            )
            for t in metadata.sorted_tables
        }


def _track(container: Any, team: Any, n: int, identity: str) -> None:
    event = server_event(
        team,
        EventInput(
            type="registro" if n == 0 else "login",
            id=f"e{n}",
            identity_id=identity,
            identity_data={"name": f"N{n}", "correo": f"{identity}@example.com"},
            groups=(GroupInput("Team", f"g{n % 3}", {"name": f"G{n}"}),),
        ),
    )
    assert container.writer is not None
    container.writer.submit(event).result(10)


def settle(container: Any) -> None:
    """Run every scoring cycle that is due and let every projection reach its log's head: the state a
    deployment comes to rest in, reached step by step so that no cycle runs while the read models are read."""
    while True:
        for runner in container.runners:
            runner.catch_up()
        if not container.engine.drain():
            break
    for runner in container.runners:
        runner.catch_up()


def populate(container: Any) -> None:
    """A history with every kind of settled queue entry: scored identities, a team mapping (its version is
    part of what a cycle was scored with), an identity disregarded after it was scored (each cycle passes
    it over) and one disregarded and regarded again."""
    user, team = container.accounts.sign_up(
        "rebuild-" + os.urandom(4).hex() + "@example.com", "correct horse battery", "Ada", "Team"
    )
    container.accounts.issue_credential(user, "server", ["https://a.example"])
    container.tracking.put_mapping(team.id, "IDENTITY_FIELD", "correo", "EMAIL", None)
    container.tracking.put_mapping(team.id, "EVENT_TYPE", "registro", "REGISTRATION", None)
    for n in range(30):
        _track(container, team.id, n, f"u{n % 4}")
    settle(container)
    container.tracking.edit_identity(team.id, "u1", attributes={"plan": "pro"}, disregarded=True)
    container.tracking.edit_identity(team.id, "u2", attributes=None, disregarded=True)
    container.tracking.remove_member(team.id, "team", "g1", "u1")
    settle(container)
    _track(container, team.id, 30, "u1")  # held: not scored while disregarded
    container.tracking.edit_identity(team.id, "u2", attributes=None, disregarded=False)
    settle(container)


def populated(database_url: str | None, data_dir: Path) -> tuple[Any, dict[str, list[tuple[Any, ...]]]]:
    """A stopped container whose logs and read models hold `populate`'s history, and its read models."""
    container = build_container(settings_for(database_url, data_dir, scoring_coalesce_seconds=0.0))
    container.start(run_projections=False)
    try:
        populate(container)
        return container, dump(container.views)
    finally:
        container.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_rebuild_reproduces_the_read_models(backend: str) -> None:
    # Its own database: a rebuild drops every read model in it.
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(fresh_postgres_database()) if backend == "postgres" else None
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        _, before = populated(database_url, Path(tmp))
        rebuilt = build_container(settings_for(database_url, Path(tmp)))
        try:
            rebuilt.rebuild_read_models()
            assert dump(rebuilt.views) == before
            # Nothing a cycle settled looks stale or due after the rebuild: no identity is scored again.
            assert rebuilt.engine.sweep() == 0
            assert rebuilt.engine.drain() == 0
        finally:
            rebuilt.close()


def test_the_rebuild_command(tmp_path: Path) -> None:
    env = {**os.environ, "DREGS_DATA_DIR": str(tmp_path), "DREGS_SCORING_COALESCE_MS": "0"}
    env.pop("DATABASE_URL", None)
    from adapters.settings import load_settings

    container = build_container(load_settings(env))
    container.start(run_projections=False)
    try:
        populate(container)
        before = dump(container.views)
    finally:
        container.close()
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "projections", "rebuild"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "tracking: rebuilt up to notification" in done.stdout
    after = build_container(load_settings(env))
    try:
        assert dump(after.views) == before
    finally:
        after.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_read_models_built_by_another_version_are_rebuilt_at_start(backend: str) -> None:
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(fresh_postgres_database()) if backend == "postgres" else None
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        container, before = populated(database_url, Path(tmp))
        # As an older Dregs left them: another fingerprint, and a table whose shape has since changed.
        with container.views.begin() as conn:
            conn.execute(update(read_model_version).values(fingerprint="built-by-an-older-version"))
            conn.execute(text("DROP TABLE devices"))
            conn.execute(text("CREATE TABLE devices (customer_id CHAR(32), fingerprint VARCHAR(128))"))
        upgraded = build_container(settings_for(database_url, Path(tmp)))
        try:
            with upgraded.views.connect() as conn:
                assert conn.execute(select(identities.c.identity_id)).first() is None  # emptied at start
            upgraded.start(run_projections=False)
            for runner in upgraded.runners:
                runner.catch_up()
            assert dump(upgraded.views) == before  # and built again from the logs
            assert upgraded.engine.drain() == 0  # with nothing left to score again
        finally:
            upgraded.close()
        again = build_container(settings_for(database_url, Path(tmp)))  # the same version: nothing to do
        try:
            assert dump(again.views) == before
        finally:
            again.close()
