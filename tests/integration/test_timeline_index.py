"""An identity's timeline at a size no test story reaches (projections/audit/record_index.py, the indexes
events_identity_received and analyses_identity_finished): 30,000 events and 600 decisions of one identity among
others. Any page, read from either end, is the same as the whole record sorted and sliced; counts stop at their
cap; and on PostgreSQL a page near either end, or a count no further than its cap, reads about a page of the
index, not every entry of the identity."""

import json
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, insert, text

from adapters.views_db import views_engine
from domain.audit.timeline import DECISION_RANK, EVENT_RANK, Mark
from projections.audit.record_index import RecordIndex
from projections.schema import analyses, events

EVENTS, DECISIONS = 30_000, 600
BOTH = frozenset({EVENT_RANK, DECISION_RANK})


def _seed(engine: Engine, team: uuid.UUID) -> list[Mark]:
    """`busy`'s events (one in ten of the table's: the others are `calm`'s) and decisions; instants shared
    between the streams and within them, so ties are ordered by rank then number. Returns busy's marks sorted."""
    r = random.Random(11)
    rows = []
    for n in range(EVENTS * 10 // 9):
        at = r.randrange(0, EVENTS * 3) * 10
        rows.append({"customer_id": team, "event_id": f"e{n}", "position": n, "occurred_at": at - 3, "received_at": at,
                     "identity_id": "calm" if n % 10 == 9 else "busy", "event_name": "login", "data": {},
                     "search_text": "", "groups": []})  # fmt: skip
    decided = [{"customer_id": team, "cycle_id": n, "identity_id": "busy", "observations": [], "event_count": 1,
                "device_count": 0, "started_at": 0, "finished_at": r.randrange(0, EVENTS * 3) * 10,
                "inputs_position": n, "rules_version": "v", "datasets_version": "d"}
               for n in range(DECISIONS)]  # fmt: skip
    with engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(insert(events), rows[start : start + 5000])
        conn.execute(insert(analyses), decided)
    marks = [
        Mark(e["received_at"], EVENT_RANK, e["position"], e["event_id"]) for e in rows if e["identity_id"] == "busy"
    ]
    marks += [Mark(d["finished_at"], DECISION_RANK, d["cycle_id"], None) for d in decided]
    return sorted(marks, key=lambda m: (m.at, m.rank, m.number))


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def record(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, ...]]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    engine = views_engine(url, tmp_path_factory.mktemp("views"))
    team = uuid.uuid4()
    marks = _seed(engine, team)
    if url:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # as autovacuum would have: index-only counts skip the heap
    yield engine, team, marks
    engine.dispose()


def test_any_page_from_either_end_is_the_record_sorted_and_sliced(record: tuple[Any, ...]) -> None:
    engine, team, marks = record
    index = RecordIndex(engine.connect)
    assert index.count_marks(team, "busy", BOTH, None, None) == len(marks) == EVENTS + DECISIONS
    assert index.count_marks(team, "busy", BOTH, None, None, cap=75) == 75
    assert index.count_marks(team, "busy", BOTH, None, None, cap=len(marks) + 5) == len(marks)
    for offset in (0, 1, 50, 17_000, len(marks) - 50, len(marks) - 3):
        page = index.marks(team, "busy", BOTH, None, None, offset, 50)
        assert page == marks[offset : offset + 50]
        back = max(0, len(marks) - offset - 50)  # the same page, counted from the newest
        newest = index.marks(team, "busy", BOTH, None, None, back, 50, from_newest=True)
        assert newest == marks[max(0, len(marks) - back - 50) : len(marks) - back]
    start, end = marks[1000].at, marks[20_000].at
    windowed = [m for m in marks if start <= m.at < end]
    assert index.count_marks(team, "busy", BOTH, start, end) == len(windowed)
    assert index.marks(team, "busy", BOTH, start, end, 10, 40) == windowed[10:50]
    assert index.marks(team, "busy", BOTH, start, end, 10, 40, from_newest=True) == windowed[-50:-10]
    decisions = [m for m in marks if m.rank == DECISION_RANK]
    assert index.marks(team, "busy", frozenset({DECISION_RANK}), None, None, 0, 30, from_newest=True) == decisions[-30:]
    for m in (marks[0], marks[9_999], marks[-2]):  # the export's keyset: whatever rank the last mark had
        assert index.marks(team, "busy", BOTH, None, None, 0, 5, (m.at, m.rank, m.number)) == marks[
            marks.index(m) + 1 : marks.index(m) + 6]  # fmt: skip


@contextmanager
def _statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def _blocks(conn: Connection, statement: str, parameters: Any) -> int:
    explained = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters).scalar()
    plan = (json.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]
    return plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)


def test_a_page_at_either_end_and_a_capped_count_read_a_page_of_the_index(record: tuple[Any, ...]) -> None:
    engine, team, marks = record
    if engine.dialect.name != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    index = RecordIndex(engine.connect)
    with _statements(engine) as sent:
        index.marks(team, "busy", BOTH, None, None, 0, 50)
        index.marks(team, "busy", BOTH, None, None, 0, 50, from_newest=True)
        index.count_marks(team, "busy", BOTH, None, marks[-1].at, cap=60)
        index.marks(team, "busy", BOTH, None, None, 0, 50, (marks[20_000].at, EVENT_RANK, marks[20_000].number))
    assert len(sent) == 4
    with engine.connect() as conn:
        read = [_blocks(conn, s, p) for s, p in sent]
        everything = _blocks(conn, "SELECT count(*) FROM events WHERE identity_id = 'busy'", {})
    # Every event of busy's is on one of ~`everything` pages; a page of 50 marks is a few index pages and the
    # heap pages of its 50 events.
    assert everything > 300
    pages, count = read[:2] + read[3:], read[2]
    assert all(n < 120 for n in pages), (read, everything)
    # 60 entries from the index (a bitmap scan of all of them read 118-211 blocks, with other teams' rows beside)
    assert count < 30, (read, everything)
