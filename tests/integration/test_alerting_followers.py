"""Alerting's followers of the logs poll slowly; a decision this process records wakes the follower of the
scoring log at once, so the rules act on a background cycle (and its webhooks go out) without a poll's delay."""

import os
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import FOLLOWER_POLL_SECONDS, build_container
from domain.tracking.event_request import EventInput, build_tracked_event
from tests.support import settings_for


@pytest.fixture
def container() -> Iterator[Any]:
    with tempfile.TemporaryDirectory() as tmp:
        c = build_container(settings_for(None, Path(tmp)))
        try:
            c.start(run_projections=False)
            yield c
        finally:
            for follower in c.alerting_followers:
                follower.stop()
            c.close()


def _until(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return bool(condition())


def test_the_followers_poll_slowly(container: Any) -> None:
    assert [f.poll_interval for f in container.alerting_followers] == [FOLLOWER_POLL_SECONDS] * 2
    assert FOLLOWER_POLL_SECONDS >= 0.25


def test_a_decision_this_process_records_wakes_the_follower_of_the_scoring_log(container: Any) -> None:
    _, team = container.accounts.sign_up(f"f-{os.urandom(4).hex()}@example.com", "correct horse battery", "F", "T")
    event = build_tracked_event(
        team.id,
        EventInput(type="signup", id="e1", identity_id="u1", identity_data={"email": "ann.lee@example.org"}),
        now=datetime.now(UTC),
        credential_id=None,
        identity_required=True,
    )
    container.writer.submit(event).result(10)
    for runner in container.runners:  # no runner threads here: the read models are brought up by hand
        runner.catch_up()
    decisions = container.alerting_followers[0]
    decisions.poll_interval = 3600  # only a wake brings the decision in soon
    rounds = threading.Semaphore(0)
    work = decisions._loop.work

    def counted() -> int:
        try:
            return work()
        finally:
            rounds.release()

    decisions._loop.work = counted
    decisions.start()
    assert rounds.acquire(timeout=10)  # its first round found nothing: it now waits for an hour, or a wake

    decision = container.engine.analyze(team.id, "u1")

    assert decision is not None
    head = container.scoring.recorder.max_notification_id()
    assert _until(lambda: decisions.position() >= head, 10)
