"""The group-commit writer on real stores: concurrent requests share a save, a
repeated id never fails its neighbours, and nothing is stored twice."""

import asyncio
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from adapters.eventstore import StoredIds, postgres_env, sqlite_env
from adapters.privacy.key_store import key_ring_beside
from application.tracking.application import TrackingApplication
from application.tracking.group_commit import Committed, GroupCommitter
from domain.tracking.event_request import EventInput
from domain.tracking.tracked_event import TrackedEvent
from tests.support import server_event


@pytest.fixture(params=["sqlite", "postgres"])
def tracking(request: pytest.FixtureRequest) -> Iterator[TrackingApplication]:
    if request.param == "postgres":
        env = postgres_env(request.getfixturevalue("postgres_url"))
        app = TrackingApplication(env, key_ring=key_ring_beside(env))
        yield app
        app.close()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            app = TrackingApplication(env := sqlite_env(Path(tmp), "tracking"), key_ring=key_ring_beside(env))
            yield app
            app.close()


CUSTOMER = uuid4()


def event(event_id: str, identity: str = "u1") -> TrackedEvent:
    return server_event(CUSTOMER, EventInput(type="login", id=event_id, identity_id=identity))


def stored_count(app: TrackingApplication, event_id: str) -> int:
    return len(app.recorder.select_events(TrackedEvent.create_id(CUSTOMER, event_id)))


def test_duplicates_inside_one_batch_and_across_batches(tracking: TrackingApplication) -> None:
    prefix = uuid4().hex[:8]
    committer = GroupCommitter(tracking, StoredIds(tracking))
    try:
        first = committer.submit(event(f"{prefix}-a")).result(10)
        assert first.replay is False and first.position > 0
        # One batch: a fresh id, an id already stored, and the same fresh id twice.
        futures = [committer.submit(event(i)) for i in (f"{prefix}-b", f"{prefix}-a", f"{prefix}-b", f"{prefix}-c")]
        results = [f.result(10) for f in futures]
    finally:
        committer.close()
    assert [r.event_id for r in results] == [f"{prefix}-b", f"{prefix}-a", f"{prefix}-b", f"{prefix}-c"]
    assert [r.replay for r in results] == [False, True, True, False]
    for suffix in "abc":
        assert stored_count(tracking, f"{prefix}-{suffix}") == 1


def test_concurrent_requests_are_committed_together_and_exactly_once(tracking: TrackingApplication) -> None:
    prefix = uuid4().hex[:8]
    saves: list[int] = []
    original = tracking.record_new

    def counting_record_new(items):  # type: ignore[no-untyped-def]
        saves.append(len(items))
        return original(items)

    tracking.record_new = counting_record_new  # type: ignore[method-assign]
    committer = GroupCommitter(tracking, StoredIds(tracking))
    ids = [f"{prefix}-{n % 150}" for n in range(200)]  # 50 repeats
    results: dict[int, object] = {}

    def client(n: int) -> None:
        results[n] = committer.submit(event(ids[n], identity=f"u{n % 7}")).result(30)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(200)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        committer.close()
    assert len(results) == 200
    assert sum(saves) == 150  # every distinct event saved once
    assert len(saves) < 150  # and saves were shared
    assert sum(not r.replay for r in results.values()) == 150
    for event_id in set(ids):
        assert stored_count(tracking, event_id) == 1


def test_another_writer_winning_the_race_is_a_replay(tracking: TrackingApplication) -> None:
    """A second process stored the event between our check and our save."""
    prefix = uuid4().hex[:8]

    class StaleIds(StoredIds):
        calls = 0

        def existing(self, ids):  # type: ignore[no-untyped-def]
            self.calls += 1
            return set() if self.calls == 1 else super().existing(ids)

    tracking.save(event(f"{prefix}-raced"))
    committer = GroupCommitter(tracking, StaleIds(tracking))
    try:
        raced, fresh = committer.submit(event(f"{prefix}-raced")), committer.submit(event(f"{prefix}-fresh"))
        assert raced.result(10).replay is True
        assert fresh.result(10).replay is False
    finally:
        committer.close()
    assert stored_count(tracking, f"{prefix}-raced") == 1
    assert stored_count(tracking, f"{prefix}-fresh") == 1


def test_callers_on_an_event_loop_are_settled_together(tracking: TrackingApplication) -> None:
    """commit() is how request handlers wait: many awaiting at once share batches, each gets
    its own answer, and one that gives up waiting does not disturb the others."""
    prefix = uuid4().hex[:8]
    committer = GroupCommitter(tracking, StoredIds(tracking))
    ids = [f"{prefix}-{n % 40}" for n in range(60)]  # 20 repeats

    async def main() -> list[Committed]:
        impatient = asyncio.ensure_future(committer.commit(event(f"{prefix}-impatient")))
        await asyncio.sleep(0)
        impatient.cancel()
        return await asyncio.wait_for(asyncio.gather(*(committer.commit(event(i)) for i in ids)), 30)

    try:
        results = asyncio.run(main())
    finally:
        committer.close()
    assert [r.event_id for r in results] == ids
    assert sum(not r.replay for r in results) == 40
    assert all(r.replay for r in results[40:])
    for event_id in set(ids):
        assert stored_count(tracking, event_id) == 1
    # Giving up waiting does not take back a write already under way.
    assert stored_count(tracking, f"{prefix}-impatient") == 1
