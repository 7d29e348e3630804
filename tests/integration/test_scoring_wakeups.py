"""A sign-up is scored at once across processes: the projections process's batch that makes a new identity due
NOTIFYs at its commit, and the scoring process, listening, starts a round rather than wait for its poll
(adapters/wakeups.py). Without the listener the scoring process would wait out its poll here: an hour."""

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from adapters.bootstrap import build_container
from domain.tracking.event_request import EventInput
from projections.schema import analyses
from projections.wakeups import SCORING_WANTED
from tests.support import fresh_postgres_database, server_event, settings_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def three_processes() -> Iterator[tuple[Any, Any, Any]]:
    """Web (writer), projections (runners) and scoring (engine) containers on one PostgreSQL database."""
    with fresh_postgres_database() as url, tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(url, Path(tmp))
        web, projections, scoring = (build_container(settings) for _ in range(3))
        try:
            web.start(run_projections=False)
            projections.start_runners()
            scoring.engine.poll_seconds = 3600  # only a wakeup makes it look at the queue again soon
            scoring.start_engine()
            yield web, projections, scoring
        finally:
            scoring.close()
            projections.close()
            web.close()


def _sign_up(web: Any, team: Any, identity: str) -> None:
    event = server_event(team, EventInput(type="signup", id=f"e-{identity}", identity_id=identity))  # fmt: skip
    assert web.writer.submit(event).result(10).position


def _scored(web: Any, team: Any, identity: str) -> bool:
    a = analyses.c
    with web.views.connect() as conn:
        return (
            conn.execute(select(a.cycle_id).where(a.customer_id == team, a.identity_id == identity)).first() is not None
        )


def _wait(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_the_scoring_process_scores_a_sign_up_when_the_projections_process_says_it_is_due(
    three_processes: tuple[Any, Any, Any],
) -> None:
    web, _, scoring = three_processes
    _, team = web.accounts.sign_up(f"s-{os.urandom(4).hex()}@example.com", "correct horse battery", "S", "T")
    assert _wait(lambda: scoring.scoring_wakeups.listening, 30)
    for n in range(3):
        _sign_up(web, team.id, f"new{n}")
        # Well under the hour: generous for a busy machine; the bench measures the real figure.
        assert _wait(lambda n=n: _scored(web, team.id, f"new{n}"), 30), f"new{n} was not scored"


def test_a_batch_that_makes_no_identity_newly_due_wakes_nobody(three_processes: tuple[Any, Any, Any]) -> None:
    web, projections, scoring = three_processes
    _, team = web.accounts.sign_up(f"q-{os.urandom(4).hex()}@example.com", "correct horse battery", "Q", "T")
    assert _wait(lambda: scoring.scoring_wakeups.listening, 30)
    _sign_up(web, team.id, "u1")
    assert _wait(lambda: _scored(web, team.id, "u1"), 30)
    heard = []
    scoring.scoring_wakeups.wakes[SCORING_WANTED] = heard.append
    # A second event of a scored identity: due after the coalescing window, not at once.
    event = server_event(team.id, EventInput(type="login", id="e-u1-2", identity_id="u1"))  # fmt: skip
    position = web.writer.submit(event).result(10).position
    assert projections.tracking_runner.wait_for(position, 30)
    _sign_up(web, team.id, "u2")  # then a sign-up, heard: so the listener was listening all along
    assert _wait(lambda: heard, 30)
    assert len(heard) == 1
