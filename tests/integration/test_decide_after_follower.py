"""A decision in the request answers with the identity's rule badges even when the alerting follower
(which follows the scoring log, in the scoring process) evaluated its cycle first."""

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import build_container
from domain.alerting.rules import BadgeRule
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
            c.close()


def test_the_rule_badges_are_in_the_answer_when_the_follower_evaluated_the_cycle_first(container: Any) -> None:
    _, team = container.accounts.sign_up(f"d-{os.urandom(4).hex()}@example.com", "correct horse battery", "D", "T")
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
    event = build_tracked_event(
        team.id,
        EventInput(type="signup", id="e1", identity_id="u1", identity_data={"email": "ann.lee@example.org"}),
        now=datetime.now(UTC),
        credential_id=None,
        identity_required=True,
    )
    position = container.writer.submit(event).result(10).position
    for runner in container.runners:  # no runner threads here: the read models are brought up by hand
        runner.catch_up()
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
