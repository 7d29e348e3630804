"""A decision reads its identity's inputs ahead of the tracking projection (projections/scoring/queries/
inputs_ahead.py): the same inputs the projection's rows give once it has applied the event, read without
waiting for it and without changing what it writes; the cycle it records is not repeated when the projection
gets there. PostgreSQL, a web container that runs no projection, as beside `dregs run projections`."""

import os
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from adapters.bootstrap import build_container
from domain.times import to_micros
from domain.tracking.event_request import EventInput, build_tracked_event
from projections.schema import events, identity_features, projection_positions
from projections.scoring.queries.inputs_ahead import InputsAhead
from projections.scoring.queries.scoring_queue import load_inputs
from tests.support import PASSWORD, fresh_postgres_database, settings_for

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def web() -> Iterator[Any]:
    """A web container (the group commit writer, no runners) on a PostgreSQL database of its own."""
    with fresh_postgres_database() as url, tempfile.TemporaryDirectory() as tmp:
        container = build_container(settings_for(url, Path(tmp)))
        try:
            container.start(run_projections=False)
            yield container
        finally:
            container.close()


def _team(web: Any) -> UUID:
    _, team = web.accounts.sign_up(f"t-{os.urandom(4).hex()}@example.com", PASSWORD, "T", "Team")
    return team.id


def _track(web: Any, team: UUID, n: int, identity: str, *, at: datetime, **fields: Any) -> int:
    event = build_tracked_event(
        team,
        EventInput(
            type=fields.pop("type", "login"),
            id=f"{identity}-{n}-{os.urandom(3).hex()}",
            identity_id=identity,
            identity_data=fields.pop("identity_data", {}),
            data=fields.pop("data", {}),
            timestamp=at,
        ),
        now=at,
        credential_id=None,
        identity_required=True,
    )
    committed = web.writer.submit(event).result(10)
    assert committed.position
    return committed.position


def _project(web: Any, until: int) -> None:
    runner = web.tracking_runner
    while runner.position() < until:
        assert runner.run_once(until=until)


def _snapshot(web: Any) -> tuple[int, int, list[Any]]:
    with web.views.connect() as conn:
        position = conn.execute(
            select(projection_positions.c.position).where(projection_positions.c.name == "tracking")
        ).scalar_one()
        stored = conn.execute(select(func.count()).select_from(events)).scalar_one()
        features = conn.execute(select(identity_features).order_by(*identity_features.primary_key)).all()
    return position, stored, features


EMAILS = st.sampled_from(["ann@example.com", "ann.lee@example.com", "ann.lee1@example.com", "bo@example.org"])
STEP = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["signup", "login", "password_reset", "purchase"]),
        "email": st.none() | EMAILS,
        "ip": st.none() | st.sampled_from(["203.0.113.5", "198.51.100.7"]),
        "seconds": st.integers(0, 3600),
    }
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=6), projected=st.integers(0, 6), neighbours=st.booleans())
def test_inputs_read_ahead_are_those_the_projection_gives(
    web: Any, steps: list[dict[str, Any]], projected: int, neighbours: bool
) -> None:
    team = _team(web)
    if neighbours:  # other identities already hold some of the keys: the graph part of the inputs
        _track(web, team, 0, "other", at=T0, identity_data={"email": "ann@example.com"}, data={"ip": "203.0.113.5"})
    positions = []
    for n, step in enumerate(steps):
        identity_data = {"email": step["email"]} if step["email"] else {}
        data = {"ip": step["ip"]} if step["ip"] else {}
        at = T0 + timedelta(seconds=step["seconds"])
        positions.append(_track(web, team, n, "u1", at=at, type=step["type"], identity_data=identity_data, data=data))
    last = positions[-1]
    _project(web, positions[min(projected, len(positions)) - 1] if projected else positions[0] - 1)
    before = _snapshot(web)

    ahead = InputsAhead(web.views, web.tracking_runner).load(team, "u1", last)

    assert ahead is not None
    assert _snapshot(web) == before  # nothing written: the transaction was rolled back
    _project(web, last)
    with web.views.connect() as conn:
        projected_inputs = load_inputs(conn, team, "u1")
    assert ahead.inputs == projected_inputs


def test_a_decision_does_not_wait_for_the_projection_and_its_cycle_is_not_repeated(web: Any) -> None:
    team = _team(web)
    _project(web, web.tracking_runner.head())
    known = _track(web, team, 0, "known", at=T0, identity_data={"email": "kim@example.com"})
    _project(web, known)
    web.engine.drain()  # "known" has been scored once, by the background cycle
    positions = {
        "new": _track(web, team, 1, "new", at=T0, identity_data={"email": "nia@example.com"}),
        "known": _track(web, team, 2, "known", at=T0 + timedelta(minutes=5)),
    }
    web.read_models.timeout = 3600  # were the decision to wait for the projection, it would hang here
    decided = {}
    for identity, position in positions.items():
        decided[identity] = web.decide_now.decide(team, identity, position)
        assert web.tracking_runner.position() < position  # nothing projected it

    # Humanity needs more events than these: the other three are there.
    assert all(d is not None and {"AUTHENTICITY", "UNIQUENESS", "BEHAVIOR"} <= set(d.scores) for d in decided.values())
    _project(web, max(positions.values()))
    with web.views.connect() as conn:
        rows = {
            r.identity_id: r
            for r in conn.execute(
                select(identity_features).where(
                    identity_features.c.customer_id == team, identity_features.c.identity_id.in_(positions)
                )
            )
        }
    for identity, position in positions.items():
        assert rows[identity].scored_position == position
        assert rows[identity].position == position
        assert not rows[identity].pending, f"{identity}: the projection queued the decided inputs again"
    assert not [i for i in web.engine.queue.due(to_micros(datetime.now(UTC)) + 10**12, 100) if i[0] == team]


def test_decisions_beside_a_busy_projection_apply_every_event_once(web: Any) -> None:
    """The projection commits rows of the deciding identities while they read ahead: a decision then reads
    again from the new position, or waits; none fails, and the projection's rows are its own."""
    team = _team(web)
    _project(web, web.tracking_runner.head())
    other = build_container(web.settings)
    runner = other.tracking_runner
    runner.poll_interval = 0.001
    runner.start()
    failures: list[str] = []
    ids: list[str] = []

    def decide(worker: int) -> None:
        for n in range(15):
            identity = f"w{worker}-{n % 3}"
            position = _track(web, team, n, identity, at=T0 + timedelta(seconds=n), identity_data={"name": "Al"})
            with lock:
                ids.append(identity)
            try:
                if web.decide_now.decide(team, identity, position) is None:
                    failures.append(f"{identity}@{position}: no decision")
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(f"{identity}@{position}: {error!r}")

    lock = threading.Lock()
    try:
        threads = [threading.Thread(target=decide, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert runner.wait_for(runner.head(), 30)
    finally:
        runner.stop()
        other.close()
    assert failures == []
    with web.views.connect() as conn:
        counted = conn.execute(
            select(events.c.event_id, func.count()).where(events.c.customer_id == team).group_by(events.c.event_id)
        ).all()
        features = {
            r.identity_id: r.activity
            for r in conn.execute(select(identity_features).where(identity_features.c.customer_id == team))
        }
    assert len(counted) == 60 and all(n == 1 for _, n in counted)
    for identity in set(ids):
        assert features[identity]["event_count"] == ids.count(identity)
