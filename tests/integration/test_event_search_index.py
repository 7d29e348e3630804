"""The search of events' text on PostgreSQL (projections/schema.py events_search_trigram): pg_trgm is installed
with the read models and the index is made, it can serve the search of a word, and
the search answers the same with or without it."""

import uuid
from pathlib import Path

from sqlalchemy import insert, text

from adapters.views_db import views_engine
from projections.paging import PageRequest
from projections.schema import events
from projections.tracking.queries.events import EventFilter, list_events

TEAM = uuid.uuid4()


def _event(n: int, words: str) -> dict:
    return {"customer_id": TEAM, "event_id": f"e{n}", "position": n, "occurred_at": n, "received_at": n,
            "identity_id": f"u{n % 50}", "event_name": "page.view", "canonical_type": "PAGE_VIEW", "source": None,
            "data": {}, "search_text": f"page.view path /products/{n} {words}", "groups": []}  # fmt: skip


def test_a_rare_word_is_found_from_the_trigram_index(postgres_url: str, tmp_path: Path) -> None:
    engine = views_engine(postgres_url, tmp_path)
    with engine.begin() as conn:
        conn.execute(insert(events), [_event(n, "Rare-Zebra" if n == 4321 else "common") for n in range(6000)])
        conn.execute(text("ANALYZE events"))
    with engine.connect() as conn:
        made = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'events_search_trigram'")).scalar()
        assert made is not None and "gin_trgm_ops" in made
        found = list_events(conn, TEAM, EventFilter(term="rare-zebra"), PageRequest(page_size=10))
        assert [r["event_id"] for r in found.rows] == ["e4321"] and found.total == 1
        # A few thousand small rows are cheaper to read than an index: ask whether the index can serve the
        # search at all (with a team's million events, the planner takes it).
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(conn.execute(text(
            "EXPLAIN SELECT event_id FROM events WHERE lower(search_text) LIKE '%rare-zebra%'"
        )).scalars())  # fmt: skip
        assert "events_search_trigram" in plan, plan
        conn.execute(text("SET enable_seqscan = on"))
        conn.execute(text("DROP INDEX events_search_trigram"))
        again = list_events(conn, TEAM, EventFilter(term="rare-zebra"), PageRequest(page_size=10))
        assert again.rows == found.rows
    engine.dispose()
