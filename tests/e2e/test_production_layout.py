"""The Procfile layout: web processes without runners, one projections process.

A web process's reads wait, through the read-model database, for the projection
another process runs; nothing is shared in memory."""

import tempfile
import time
from pathlib import Path

from adapters.bootstrap import build_container
from domain.tracking.event_request import EventInput
from projections.tracking.queries.identities import get_identity
from tests.support import fresh_postgres_database, server_event, settings_for


def test_web_without_runners_reads_what_a_separate_runner_projects() -> None:
    with fresh_postgres_database() as url, tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(url, Path(tmp))
        web = build_container(settings)
        projections = build_container(settings)
        web.start(run_projections=False)
        for runner in projections.runners:
            runner.poll_interval = 0.1
            runner.start()
        try:
            user, team = web.accounts.sign_up("layout@example.com", "correct horse battery", "Ada", "Team")
            event = server_event(
                team.id, EventInput(type="signup", id="e1", identity_id="u1", identity_data={"name": "Ada"})
            )
            assert web.writer is not None
            committed = web.writer.submit(event).result(10)
            assert not web.runners_started
            assert web.tracking_runner.wait_for(committed.position, timeout=5)
            with web.views.connect() as conn:
                assert get_identity(conn, team.id, "u1")["display_name"] == "Ada"
        finally:
            web.close()
            for runner in projections.runners:
                runner.stop()
            projections.close()


def test_a_separate_scoring_process_scores_what_the_web_process_ingested() -> None:
    with fresh_postgres_database() as url, tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(url, Path(tmp), scoring_coalesce_seconds=0.0)
        web, projections, scoring = build_container(settings), build_container(settings), build_container(settings)
        web.start(run_projections=False)
        projections.start_runners()
        scoring.engine.poll_seconds = 0.05
        scoring.start_engine()
        try:
            _, team = web.accounts.sign_up("scoring@example.com", "correct horse battery", "Ada", "Team")
            event = server_event(
                team.id,
                EventInput(type="signup", id="e1", identity_id="u1", identity_data={"email": "a@mailinator.com"}),
            )
            assert web.writer is not None
            web.writer.submit(event).result(10)
            deadline = time.monotonic() + 15
            while True:
                with web.views.connect() as conn:
                    row = get_identity(conn, team.id, "u1")
                if row is not None and row["authenticity_score"] is not None:
                    break
                assert time.monotonic() < deadline, "the scoring process never scored u1"
                time.sleep(0.05)
            assert row["last_cycle_id"] == 1 and row["authenticity_score"] < 50
            assert not web.engine_started and not projections.engine_started
        finally:
            web.close()
            scoring.close()
            projections.close()
