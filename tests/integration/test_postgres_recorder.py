"""The one-round-trip PostgreSQL recorder keeps every guarantee of the library's insert:
ordered notification ids, all-or-nothing batches, the table lock, and the NOTIFY."""

import threading
import time
from collections.abc import Iterator
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from adapters.eventstore import postgres_env
from adapters.postgres_recorder import OneTripPostgresRecorder
from adapters.privacy.key_store import key_ring_beside
from application.tracking.application import TrackingApplication
from tests.support import fresh_postgres_database


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """Its own database: these tests store raw events no application could read back."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def app(postgres_url: str) -> Iterator[TrackingApplication]:
    app = TrackingApplication(env := postgres_env(postgres_url), key_ring=key_ring_beside(env))
    yield app
    app.close()


@pytest.fixture
def recorder(app: TrackingApplication) -> OneTripPostgresRecorder:
    assert isinstance(app.recorder, OneTripPostgresRecorder)
    return app.recorder


def stored(originator_id: UUID, version: int = 1, state: bytes = b"{}") -> StoredEvent:
    return StoredEvent(originator_id, version, "tests:Topic", state)


def test_a_batch_is_stored_with_ascending_notification_ids(recorder: OneTripPostgresRecorder) -> None:
    before = recorder.max_notification_id() or 0
    events = [stored(uuid4(), 1, f'{{"n":{n}}}'.encode()) for n in range(5)]
    ids = recorder.insert_events(events)
    assert ids is not None and len(ids) == 5
    assert ids == sorted(ids) and ids[0] > before
    notifications = recorder.select_notifications(ids[0], 5)
    assert [(n.id, n.originator_id, n.state) for n in notifications] == [
        (i, e.originator_id, e.state) for i, e in zip(ids, events, strict=True)
    ]


def test_a_batch_with_a_stored_event_writes_nothing(recorder: OneTripPostgresRecorder) -> None:
    taken = uuid4()
    recorder.insert_events([stored(taken)])
    before = recorder.max_notification_id()
    fresh = uuid4()
    with pytest.raises(IntegrityError):
        recorder.insert_events([stored(fresh), stored(taken)])
    with pytest.raises(IntegrityError):
        recorder.insert_events([stored(fresh), stored(fresh)])
    assert recorder.select_events(fresh) == []
    assert recorder.max_notification_id() == before


def test_the_insert_waits_for_the_table_lock(postgres_url: str, recorder: OneTripPostgresRecorder) -> None:
    """Without the lock, a later id could commit before an earlier one and a reader following
    the log would skip it. A plain INSERT still open in another transaction does not block
    another plain INSERT; it must block ours."""
    event = stored(uuid4())
    with psycopg.connect(postgres_url) as holder:
        holder.execute(
            f'INSERT INTO "{recorder.events_table_name}" (originator_id, originator_version, topic, state)'
            " VALUES (%s, 1, 'tests:Topic', '{}')",
            (uuid4(),),
        )
        writer = threading.Thread(target=recorder.insert_events, args=([event],))
        writer.start()
        deadline = time.monotonic() + 10
        with psycopg.connect(postgres_url, autocommit=True) as observer:
            while True:
                waiting = observer.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                ).fetchone()
                if waiting and waiting[0] > 0:
                    break
                assert time.monotonic() < deadline, "the insert never waited for the lock"
                time.sleep(0.01)
        assert writer.is_alive()
        assert recorder.select_events(event.originator_id) == []
        holder.rollback()
    writer.join(10)
    assert not writer.is_alive()
    assert len(recorder.select_events(event.originator_id)) == 1


def test_followers_are_notified(postgres_url: str, recorder: OneTripPostgresRecorder) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as listener:
        listener.execute(f'LISTEN "{recorder.channel_name}"')
        recorder.insert_events([stored(uuid4())])
        notices = list(listener.notifies(timeout=10, stop_after=1))
    assert [n.channel for n in notices] == [recorder.channel_name]
