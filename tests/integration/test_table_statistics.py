"""The read models' planner statistics keep up with a table that grows faster than autovacuum looks."""

import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, insert, text

from adapters.table_statistics import MIN_CHANGES, TableStatistics
from projections.schema import identities, metadata
from tests.support import fresh_postgres_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine() -> Iterator[Engine]:
    with fresh_postgres_database() as url:
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            # Autovacuum would analyze the table itself sooner or later: off here, only the keeper may.
            metadata.create_all(conn)
            conn.execute(text("ALTER TABLE identities SET (autovacuum_enabled = false)"))
        try:
            yield engine
        finally:
            engine.dispose()


def _grow(engine: Engine, team: uuid.UUID, start: int, count: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(identities),
            [
                {"customer_id": team, "identity_id": f"u{n}", "attributes": {}, "created_at": n, "updated_at": n}
                for n in range(start, start + count)
            ],
        )


def _analyzed(engine: Engine) -> tuple[int, float | None]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT analyze_count, (SELECT reltuples FROM pg_class WHERE relname = 'identities')"
                " FROM pg_stat_user_tables WHERE relname = 'identities'"
            )
        ).one()
        return row[0], row[1]


def _wait_for_stale(keeper: TableStatistics, expected: list[str]) -> list[str]:
    """Table statistics reach pg_stat_user_tables from each backend within about a second."""
    deadline = time.monotonic() + 10
    while (found := keeper.stale()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_a_table_that_outgrew_its_statistics_is_analyzed_and_then_left_alone(engine: Engine) -> None:
    keeper = TableStatistics(engine, ["identities"])
    team = uuid.uuid4()
    _grow(engine, team, 0, MIN_CHANGES // 2)
    assert keeper.run_once() == []  # too small a change to matter
    assert _analyzed(engine)[0] == 0

    _grow(engine, team, MIN_CHANGES // 2, 2 * MIN_CHANGES)
    assert _wait_for_stale(keeper, ["identities"]) == ["identities"]
    assert keeper.run_once() == ["identities"]
    count, tuples = _analyzed(engine)
    assert tuples == pytest.approx(MIN_CHANGES // 2 + 2 * MIN_CHANGES)  # what the planner now believes
    assert count in (0, 1)  # the counter itself may lag behind; the planner's row count may not

    # A tenth more: autovacuum's business on a grown table, not the keeper's.
    _grow(engine, team, 3 * MIN_CHANGES, MIN_CHANGES // 8)
    assert _wait_for_stale(keeper, []) == []
    assert keeper.run_once() == []


def test_on_sqlite_it_does_nothing(tmp_path) -> None:  # noqa: ANN001
    engine = create_engine(f"sqlite:///{tmp_path / 'views.sqlite'}")
    keeper = TableStatistics(engine, ["identities"])
    assert not keeper.applies
    assert keeper.run_once() == []
    keeper.start()
    keeper.stop()
