"""Alerting's follower of the scoring log, in the scoring process: it polls slowly, and a decision its process
records wakes it at once, so the rules act on a background cycle (and its webhooks go out) without a poll's
delay. A decision in the request answers with the identity's rule badges even when the follower evaluated its
cycle first."""

import os
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import FOLLOWER_POLL_SECONDS, build_container
from domain.alerting.rules import BadgeRule
from domain.tracking.event_request import EventInput
from tests.support import server_event, settings_for, wait_until


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


def _team(container: Any) -> Any:
    _, team = container.accounts.sign_up(f"d-{os.urandom(4).hex()}@example.com", "correct horse battery", "D", "T")
    return team


def _sign_up(container: Any, team: Any) -> int:
    """The position of identity u1's first event, brought into the read models."""
    event = server_event(
        team.id, EventInput(type="signup", id="e1", identity_id="u1", identity_data={"email": "ann.lee@example.org"})
    )
    position = container.writer.submit(event).result(10).position
    for runner in container.runners:  # no runner threads here: the read models are brought up by hand
        runner.catch_up()
    return position


def test_the_followers_poll_slowly(container: Any) -> None:
    assert [f.poll_interval for f in container.alerting_followers] == [FOLLOWER_POLL_SECONDS] * 2
    assert FOLLOWER_POLL_SECONDS >= 0.25


def test_a_decision_this_process_records_wakes_the_follower_of_the_scoring_log(container: Any) -> None:
    team = _team(container)
    _sign_up(container, team)
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
    wait_until(lambda: decisions.position() >= head, 10, "the follower to handle the decision")


def test_the_rule_badges_are_in_the_answer_when_the_follower_evaluated_the_cycle_first(container: Any) -> None:
    team = _team(container)
    container.alerting.create_named(
        team.id,
        "badge-rule",
        "scored",
        lambda n: BadgeRule(
            customer_id=team.id, number=n, slug="scored", name="Scored", type="NEUTRAL", priority=1,
            conditions=[{"condition": "SCORE_GTE", "category": "ANY", "threshold": 0}],
            apply_delay_seconds=0, remove_delay_seconds=0, enabled=True, at=datetime.now(UTC),
        ),
    )  # fmt: skip
    position = _sign_up(container, team)
    evaluate = container.evaluator.evaluate
    evaluated: list[Any] = []

    def follower_first(customer_id: Any, sighting: Any, now: Any = None) -> Any:
        # The real follower's work, done between the cycle's save and the decision's own evaluation.
        evaluated.append(evaluate(customer_id, sighting, now))
        return evaluate(customer_id, sighting, now)

    container.evaluator.evaluate = follower_first
    decided = container.decide_now.decide(team.id, "u1", position)
    assert decided is not None
    assert evaluated and evaluated[0] is not None  # the follower did evaluate it, and the decision's found it done
    assert [b["slug"] for b in decided.badges] == ["scored"]
