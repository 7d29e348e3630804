"""A decision inside a request projects only as far as its own event (ProjectionRunner.run_once(until=…)):
the events after it are the projection process's next batch, not this request's work."""

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from adapters.bootstrap import build_container
from domain.tracking.event_request import EventInput, build_tracked_event
from projections.schema import events
from tests.support import fresh_postgres_database, settings_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def web() -> Iterator[Any]:
    with fresh_postgres_database() as url, tempfile.TemporaryDirectory() as tmp:
        container = build_container(settings_for(url, Path(tmp)))
        try:
            container.start(run_projections=False)
            yield container
        finally:
            container.close()


def _track(web: Any, team: Any, n: int) -> int:
    event = build_tracked_event(
        team,
        EventInput(type="login", id=f"e{n}", identity_id=f"u{n % 3}", identity_data={"name": f"N{n}"}),
        now=datetime.now(UTC),
        credential_id=None,
        identity_required=True,
    )
    return web.writer.submit(event).result(10).position


def _projected(web: Any) -> set[str]:
    with web.views.connect() as conn:
        return set(conn.execute(select(events.c.event_id)).scalars())


def test_a_batch_ends_at_the_position_asked_for(web: Any) -> None:
    _, team = web.accounts.sign_up(f"u-{os.urandom(4).hex()}@example.com", "correct horse battery", "A", "T")
    runner = web.tracking_runner
    while runner.run_once():
        pass  # the sign-up's own notifications, if any
    positions = [_track(web, team.id, n) for n in range(10)]
    assert runner.run_once(until=positions[3]) == 4
    assert runner.position() == positions[3]
    assert _projected(web) == {f"e{n}" for n in range(4)}
    assert runner.run_once(until=positions[3]) == 0  # reached: nothing more to do for that request
    assert web.read_models.advance_to("tracking", positions[6])
    assert runner.position() == positions[6]
    assert _projected(web) == {f"e{n}" for n in range(7)}
    assert runner.run_once() == 3  # the projection's own batches still take everything
    assert _projected(web) == {f"e{n}" for n in range(10)}
