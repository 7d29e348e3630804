"""The search of identities on PostgreSQL (projections/schema.py identities_search_trigram): one trigram index over
the id, name, email and username serves a term found in any of them, and the search answers the same with or
without it."""

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from adapters.views_db import views_engine
from projections.paging import PageRequest
from projections.schema import IDENTITY_SEARCH, identities
from projections.tracking.queries.identities import IdentityFilter, list_identities

TEAM = uuid.uuid4()


def _identity(n: int, **shown: str | None) -> dict[str, Any]:
    row = {"customer_id": TEAM, "identity_id": f"cust_{n:05d}", "attributes": {}, "display_name": f"Ann Lee {n}",
           "display_email": f"ann.lee{n}@example.com", "display_username": None, "created_at": n, "updated_at": n,
           "last_tracked_at": n}  # fmt: skip
    return row | shown


def _found(conn: Any, term: str) -> list[str]:
    page = list_identities(conn, TEAM, IdentityFilter(term=term), PageRequest(page_size=50))
    return sorted(r["identity_id"] for r in page.rows)


def test_a_term_in_any_shown_field_is_found_from_the_trigram_index(postgres_url: str, tmp_path: Path) -> None:
    engine = views_engine(postgres_url, tmp_path)
    rows = [_identity(n) for n in range(6000)]
    rows[17] = _identity(17, display_name="Zoë Quagmire-Smith")
    rows[18] = _identity(18, display_email="RARE.Mailbox@Example.org")
    rows[19] = _identity(19, display_username="night_owl%")
    rows[20] = _identity(20, display_name=None, display_email=None)
    rows[21] = _identity(21, display_name="Line\nBreak")
    with engine.begin() as conn:
        conn.execute(insert(identities), rows)
        conn.execute(text("ANALYZE identities"))
    with engine.connect() as conn:
        made = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'identities_search_trigram'"))
        assert "gin_trgm_ops" in made.scalar_one()
        answers = {
            "quagmire": ["cust_00017"],
            "rare.mailbox@example": ["cust_00018"],
            "NIGHT_OWL%": ["cust_00019"],  # LIKE's wildcards are the term's own characters
            "night_owl_": [],
            "cust_00020": ["cust_00020"],  # no name nor email: found by its id
            "00020ann": [],  # the id and the name are two fields, not one text
            "cust_05999": ["cust_05999"],
            "line\nbreak": ["cust_00021"],  # a line break of the field's own
            "cust_00021\nline": [],  # not the one the fields are joined with
        }
        for term, expected in answers.items():
            assert _found(conn, term) == expected, term
        common = list_identities(conn, TEAM, IdentityFilter(term="ann lee"), PageRequest(page_size=25))
        assert common.total == 6000 - 3  # all but the three without "Ann Lee" in any field

        # Six thousand small rows are cheaper to read than an index: ask whether the index can serve the
        # search at all (with a team's hundred thousand, the planner takes it).
        conn.execute(text("SET enable_seqscan = off"))
        search = IDENTITY_SEARCH
        plan = "\n".join(
            conn.execute(
                text(f"EXPLAIN SELECT identity_id FROM identities WHERE {search.compile(engine)} LIKE '%quagmire%'")
            ).scalars()
        )
        assert "identities_search_trigram" in plan, plan
        conn.execute(text("SET enable_seqscan = on"))
        conn.execute(text("DROP INDEX identities_search_trigram"))
        for term, expected in answers.items():
            assert _found(conn, term) == expected, term
        conn.rollback()
    engine.dispose()
