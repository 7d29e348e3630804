"""ReadModels.advance_to: a process that does not run the tracking projection (the web app beside
`dregs run projections`) asks the process that does to apply the log at once (NOTIFY), rather than wait
for its next poll; if that process does not answer in time, it applies the batches it needs itself, and
the two never apply an event twice. Its readers hear of each batch the other process commits (NOTIFY
again) and wake at once, rather than at their next look at the position's row."""

import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.bootstrap import build_container
from domain.tracking.event_request import EventInput
from projections import runner as runner_module
from projections.schema import events
from tests.support import fresh_postgres_database, server_event, settings_for, wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_processes() -> Iterator[tuple[Any, Any]]:
    """A web container (writer, no runners) and a projections container on one PostgreSQL database."""
    with fresh_postgres_database() as url, tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(url, Path(tmp))
        web = build_container(settings)
        projections = build_container(settings)
        try:
            web.start(run_projections=False)
            yield web, projections
        finally:
            # The tests start the runner by hand, and close() stops only the runners start() started: left
            # running, it would retry against the dropped database for as long as the session lasts.
            projections.tracking_runner.stop()
            projections.close()
            web.close()


def _track(web: Any, team: Any, n: int) -> int:
    event = server_event(
        team, EventInput(type="login", id=f"e{n}", identity_id=f"u{n % 5}", identity_data={"name": f"N{n}"})
    )
    committed = web.writer.submit(event).result(10)
    assert committed.position
    return committed.position


def _counts(web: Any) -> dict[str, int]:
    with web.views.connect() as conn:
        return dict(conn.execute(select(events.c.event_id, func.count()).group_by(events.c.event_id)).all())


def test_the_projections_process_applies_the_log_at_once_when_the_web_process_asks(
    two_processes: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    web, projections = two_processes
    _, team = web.accounts.sign_up(f"w-{os.urandom(4).hex()}@example.com", "correct horse battery", "W", "T")
    web.read_models.handoff = 60.0  # the web process never applies a batch itself here
    monkeypatch.setattr(runner_module, "TOLD_POLL_SECONDS", 3600.0)
    for runner in projections.runners:
        runner.poll_interval = 3600  # only a wakeup brings the event in soon: an append's notification waits this
    projections.start_runners()
    deadline = time.monotonic() + 30
    while not projections.projection_wakeups.listening and time.monotonic() < deadline:
        time.sleep(0.01)
    assert projections.projection_wakeups.listening
    assert web.tracking_runner.wait_for(web.tracking_runner.head(), 10)
    for n in range(3):
        position = _track(web, team.id, n)
        started = time.monotonic()
        assert web.read_models.advance_to("tracking", position)
        assert time.monotonic() - started < 30
        # The projections process applied it (its runner learns so just after the commit the web heard of).
        wait_until(
            lambda p=position: projections.tracking_runner.known_position >= p,
            30,
            "the projections process to learn of its commit",
        )
    assert _counts(web) == {f"e{n}": 1 for n in range(3)}


def test_the_projections_process_hears_each_append_so_an_idle_log_is_not_polled(
    two_processes: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    web, projections = two_processes
    _, team = web.accounts.sign_up(f"l-{os.urandom(4).hex()}@example.com", "correct horse battery", "L", "T")
    monkeypatch.setattr(runner_module, "TOLD_POLL_SECONDS", 3600.0)  # only an append's notification brings it in
    for runner in projections.runners:
        runner.poll_interval = 0.01  # the rest between two batches
    projections.start_runners()
    wait_until(lambda: projections.projection_wakeups.listening, 30, "the projections process to listen")
    assert all(runner.appends_heard() for runner in projections.runners)
    runner = projections.tracking_runner
    for n in range(3):
        position = _track(web, team.id, n)
        # position() reads the row and wakes nobody: the runner, idle for an hour, was told of the append.
        wait_until(lambda p=position: runner.position() >= p, 30, f"e{n} to be applied")
    assert projections.projection_wakeups.listening
    assert _counts(web) == {f"e{n}": 1 for n in range(3)}


def test_without_an_answer_the_web_process_projects_what_it_needs_itself(
    two_processes: tuple[Any, Any],
) -> None:
    web, projections = two_processes
    _, team = web.accounts.sign_up(f"a-{os.urandom(4).hex()}@example.com", "correct horse battery", "A", "T")
    # The other process polls once an hour and does not listen: only the web process can bring the event in.
    runner = projections.tracking_runner
    runner.poll_interval = 3600
    runner.start()
    assert web.tracking_runner.wait_for(web.tracking_runner.head(), 10)
    position = _track(web, team.id, 0)
    assert web.tracking_runner.position() < position
    started = time.monotonic()
    assert web.read_models.advance_to("tracking", position)
    assert time.monotonic() - started < 5
    assert _counts(web) == {"e0": 1}


def test_many_threads_and_the_other_process_apply_every_event_once(two_processes: tuple[Any, Any]) -> None:
    web, projections = two_processes
    _, team = web.accounts.sign_up(f"b-{os.urandom(4).hex()}@example.com", "correct horse battery", "B", "T")
    runner = projections.tracking_runner
    runner.poll_interval = 0.001  # races the web threads for every batch
    runner.start()
    failures: list[str] = []

    def decide(k: int) -> None:
        for n in range(k * 20, k * 20 + 20):
            position = _track(web, team.id, n)
            if not web.read_models.advance_to("tracking", position):
                failures.append(f"e{n} not projected in time")

    threads = [threading.Thread(target=decide, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    assert _counts(web) == {f"e{n}": 1 for n in range(120)}


def test_a_decision_projects_only_up_to_its_own_event(two_processes: tuple[Any, Any]) -> None:
    """The events after it are the projection process's next batch, not this request's wait."""
    web, _ = two_processes
    _, team = web.accounts.sign_up(f"c-{os.urandom(4).hex()}@example.com", "correct horse battery", "C", "T")
    runner = web.tracking_runner
    positions = [_track(web, team.id, n) for n in range(10)]
    assert runner.run_once(until=positions[3]) == 4
    assert runner.position() == positions[3]
    assert set(_counts(web)) == {f"e{n}" for n in range(4)}
    assert runner.run_once(until=positions[3]) == 0  # reached: nothing more for that request
    assert web.read_models.advance_to("tracking", positions[6])
    assert runner.position() == positions[6]
    assert set(_counts(web)) == {f"e{n}" for n in range(7)}
    assert runner.run_once() == 3  # the projection's own batches take everything there is
    assert _counts(web) == {f"e{n}": 1 for n in range(10)}


def test_the_web_process_hears_of_each_batch_the_projections_process_commits(
    two_processes: tuple[Any, Any],
) -> None:
    web, projections = two_processes
    _, team = web.accounts.sign_up(f"h-{os.urandom(4).hex()}@example.com", "correct horse battery", "H", "T")
    wait_until(lambda: web.applied_wakeups.listening, 30, "the web process to listen")
    runner = projections.tracking_runner
    runner.poll_interval = 3600
    runner.start()
    wait_until(lambda: runner.known_position >= runner.head(), 30, "the projection to catch up")
    position = _track(web, team.id, 0)
    runner.wake()
    # known_position moves without the web process reading the position's row: it was told.
    wait_until(lambda: web.tracking_runner.known_position >= position, 30, "the web process to hear of the batch")


def test_a_waiting_reader_wakes_at_the_commit_not_at_its_next_look(
    two_processes: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    web, projections = two_processes
    _, team = web.accounts.sign_up(f"r-{os.urandom(4).hex()}@example.com", "correct horse battery", "R", "T")
    wait_until(lambda: web.applied_wakeups.listening, 30, "the web process to listen")
    monkeypatch.setattr(runner_module, "HEARD_RECHECK_SECONDS", 3600.0)  # only the notification can wake it
    runner = projections.tracking_runner
    runner.poll_interval = 3600
    runner.start()
    wait_until(lambda: runner.known_position >= runner.head(), 30, "the projection to catch up")
    position = _track(web, team.id, 0)
    reads: list[int] = []
    read_position = web.tracking_runner.position

    def counted() -> int:
        reads.append(1)
        return read_position()

    monkeypatch.setattr(web.tracking_runner, "position", counted)
    answers: list[bool] = []
    waiter = threading.Thread(target=lambda: answers.append(web.tracking_runner.wait_for(position, 120)))
    waiter.start()
    # It looks once, finds the event not applied, and waits.
    wait_until(lambda: len(reads) == 1, 30, "the waiter's first look")
    runner.wake()
    waiter.join(60)
    assert answers == [True]
    assert len(reads) == 1


def test_in_the_process_that_runs_the_projection_a_reader_wakes_at_its_commit(
    two_processes: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    web, projections = two_processes
    _, team = web.accounts.sign_up(f"p-{os.urandom(4).hex()}@example.com", "correct horse battery", "P", "T")
    monkeypatch.setattr(runner_module, "HEARD_RECHECK_SECONDS", 3600.0)
    runner = projections.tracking_runner
    runner.poll_interval = 3600  # the reader's wake() starts the batch; its commit wakes the reader
    runner.start()
    wait_until(lambda: runner.known_position >= runner.head(), 30, "the projection to catch up")
    position = _track(web, team.id, 0)
    started = time.monotonic()
    assert runner.wait_for(position, 120)
    assert time.monotonic() - started < 60
