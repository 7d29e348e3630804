"""The key store (adapters/privacy/key_store.py) on both databases: many keys read in one go come back as read
one by one, destroyed and unknown ones as None, past the number of ids a statement binds."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from adapters.privacy.key_store import SqlKeyRing, key_engine, sqlite_key_engine
from domain.privacy.personal_data import LIFELONG

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
def ring(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlKeyRing]:
    if request.param == "postgres":
        engine = key_engine(request.getfixturevalue("postgres_url"))
    else:
        engine = sqlite_key_engine(tmp_path)
    try:
        yield SqlKeyRing(engine)
    finally:
        engine.dispose()


def test_many_keys_read_at_once_are_those_read_one_by_one(ring: SqlKeyRing) -> None:
    customer = uuid4()
    keys = [ring.sealing_key(customer, f"u{n}", LIFELONG) for n in range(1010)]  # past a statement's 500 ids, twice
    assert all(k is not None for k in keys)
    assert ring.erase(customer, "u7", NOW)
    unknown = uuid4()
    ids = [k.key_id for k in keys if k is not None]
    found = ring.opening_keys([*ids, unknown])
    made = {k.key_id: k.secret for k in keys if k is not None}
    assert found == {**made, ids[7]: None, unknown: None}
    assert sum(secret is not None for secret in found.values()) == 1009


def test_keys_made_for_a_batch_are_those_made_one_by_one(ring: SqlKeyRing) -> None:
    customer, day = uuid4(), 20_423
    known = ring.sealing_key(customer, "known", day)
    assert ring.sealing_key(customer, "gone", LIFELONG) is not None and ring.erase(customer, "gone", NOW)
    owners = [(customer, f"u{n}", period) for n in range(230) for period in (LIFELONG, day)]  # past a read's 200
    owners += [(customer, "known", day), (customer, "gone", day), (customer, "gone", LIFELONG)]
    made = ring.sealing_keys(owners)
    assert made[(customer, "known", day)] == known
    assert made[(customer, "gone", day)] is None and made[(customer, "gone", LIFELONG)] is None
    fresh = [key for owner, key in made.items() if owner[1].startswith("u")]
    assert len(fresh) == 460 and all(key is not None for key in fresh)
    assert len({key.key_id for key in fresh if key is not None}) == 460
    assert {owner: ring.sealing_key(*owner) for owner in owners} == made  # kept: the same keys again
    assert ring.sealing_keys(owners) == made
