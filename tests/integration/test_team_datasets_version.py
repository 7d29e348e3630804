"""A cycle is scored with the team's own dataset entries and names their version, read together: when an entry
changed after the cycle's inputs were read, the cycle uses the newer entries and says so, never the newer entries
under the older version (which a verified replay would then find diverged)."""

import uuid
from pathlib import Path

from sqlalchemy import insert

from adapters.views_db import views_engine
from application.scoring.application import ScoringApplication
from application.scoring.engine import ScoringEngine
from domain.scoring.datasets import DISPOSABLE_EMAIL_DOMAINS, Datasets
from projections.schema import dataset_entries
from projections.scoring.queries.scoring_queue import ScoringQueue

TEAM = uuid.uuid4()


def _entry(key: str, position: int, present: bool = True) -> dict:
    return {"customer_id": TEAM, "slug": DISPOSABLE_EMAIL_DOMAINS, "key": key, "value": None, "present": present,
            "created_at": position, "updated_at": position, "position": position}  # fmt: skip


def test_the_entries_and_their_version_are_read_together(tmp_path: Path) -> None:
    views = views_engine(None, tmp_path)
    base = Datasets({DISPOSABLE_EMAIL_DOMAINS: frozenset({"mailinator.com"})}, "g1")
    engine = ScoringEngine(ScoringApplication(), ScoringQueue(views), lambda: base)
    with views.begin() as conn:
        conn.execute(insert(dataset_entries), [_entry("throwaway.test", 5)])
    first = engine.datasets_for(TEAM, "c5")
    assert first.version == "g1+c5" and first.contains(DISPOSABLE_EMAIL_DOMAINS, "throwaway.test")

    # An entry added, one removed, after the next cycle's inputs were read (they still say c5 ... c6).
    with views.begin() as conn:
        conn.execute(insert(dataset_entries), [_entry("burner.test", 7), _entry("gone.test", 8, present=False)])
    later = engine.datasets_for(TEAM, "c6")
    assert later.version == "g1+c8"  # the version of the entries it holds, not the inputs' older one
    assert later.contains(DISPOSABLE_EMAIL_DOMAINS, "burner.test") and not later.contains(DISPOSABLE_EMAIL_DOMAINS,
                                                                                           "gone.test")  # fmt: skip
    assert later.contains(DISPOSABLE_EMAIL_DOMAINS, "mailinator.com")  # the GLOBAL list under it
    assert engine.datasets_for(TEAM, "c0").version == "g1+c0"  # a team without entries reads none
    views.dispose()
