"""Read models can be dropped and rebuilt from the event store, identically."""

import contextlib
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update

from adapters.bootstrap import build_container
from domain.tracking.event_request import EventInput, GroupInput, build_tracked_event
from projections.schema import identities, metadata, read_model_version
from tests.support import fresh_postgres_database, settings_for

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


def populate(container: Any) -> None:
    user, team = container.accounts.sign_up(
        "rebuild-" + os.urandom(4).hex() + "@example.com", "correct horse battery", "Ada", "Team"
    )
    container.accounts.issue_credential(user, "server", ["https://a.example"])
    assert container.ingestion is not None
    for n in range(30):
        event = build_tracked_event(
            team.id,
            EventInput(
                type="login",
                id=f"e{n}",
                identity_id=f"u{n % 4}",
                identity_data={"name": f"N{n}"},
                groups=(GroupInput("Team", f"g{n % 3}", {"name": f"G{n}"}),),
            ),
            now=datetime.now(UTC),
            credential_id=None,
            identity_required=True,
        )
        container.ingestion.submit(event).result(10)
    container.tracking.edit_identity(team.id, "u1", attributes={"plan": "pro"}, disregarded=True)
    container.tracking.remove_member(team.id, "team", "g1", "u1")
    for runner in container.runners:
        assert runner.wait_for_head(10)


def populated(database_url: str | None, data_dir: Path) -> tuple[Any, dict[str, list[tuple[Any, ...]]]]:
    """A stopped container whose logs and read models hold `populate`'s history, and its read models."""
    container = build_container(settings_for(database_url, data_dir))
    container.start(run_projections=True)
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
        finally:
            rebuilt.close()


def test_the_rebuild_command(tmp_path: Path) -> None:
    env = {**os.environ, "DREGS_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    from adapters.settings import load_settings

    container = build_container(load_settings(env))
    container.start(run_projections=True)
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
            upgraded.start(run_projections=True)
            for runner in upgraded.runners:
                assert runner.wait_for_head(10)
            assert dump(upgraded.views) == before  # and built again from the logs
        finally:
            upgraded.close()
        again = build_container(settings_for(database_url, Path(tmp)))  # the same version: nothing to do
        try:
            assert dump(again.views) == before
        finally:
            again.close()
