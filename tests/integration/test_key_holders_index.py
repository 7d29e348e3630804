"""A crowded key's first holders on PostgreSQL (projections/schema.py identity_keys_holders): a promotion code
thousands of identities redeemed costs a cycle, and the identity's page, the first MAX_SHARERS holders read in
first-seen order from the index, not every holder read and sorted, and counting its holders (up to MAX_COUNTED)
reads the index of disregarded identities, not each holder's row; the answer is the same without the index."""

import json
import random
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, insert, text

from adapters.views_db import views_engine
from domain.scoring.activity import Activity
from domain.scoring.link_keys import KeyKind
from projections.schema import identities, identity_features, identity_keys
from projections.scoring.queries.scoring_queue import (
    _COUNTS_EACH_KEY,
    _HOLDERS_EACH_KEY,
    MAX_COUNTED,
    MAX_SHARERS,
    _counts_statement,
    _holders_statement,
    _key_params,
    load_inputs,
)

TEAM = uuid.uuid4()
HOLDERS = 3000
CODE = "FREESHIP"
SMALLER = "SPRING20"  # held by fewer than MAX_COUNTED: its count is exact
SMALLER_HOLDERS = 120


def _identity(team: uuid.UUID, name: str, *, disregarded: bool = False) -> dict[str, Any]:
    return {"customer_id": team, "identity_id": name, "attributes": {}, "disregarded": disregarded,
            "created_at": 1, "updated_at": 1}  # fmt: skip


def _seed(conn: Connection, team: uuid.UUID = TEAM) -> list[tuple[int, str]]:
    """`me` and HOLDERS others redeemed CODE at shuffled instants, `me` and the first SMALLER_HOLDERS of them
    SMALLER too; one in 40 of the others is disregarded. Returns (first seen, identity) of the others who count,
    oldest first."""
    r = random.Random(7)
    instants = r.sample(range(10_000, 10_000_000), HOLDERS)
    others = [(at, f"u{n:05d}", n % 40 == 0) for n, at in enumerate(instants)]
    conn.execute(
        insert(identities), [_identity(team, "me")] + [_identity(team, i, disregarded=d) for _, i, d in others]
    )
    conn.execute(insert(identity_features), [{"customer_id": team, "identity_id": i, "position": 1,
                                              "activity": Activity().to_dict(), "pending": False}
                                             for i in ("me", "u00001")])  # fmt: skip
    keys = [{"customer_id": team, "kind": KeyKind.PROMO.value, "key": key, "identity_id": i, "first_seen_at": at}
            for key, holding in ((CODE, others), (SMALLER, others[:SMALLER_HOLDERS]))
            for at, i, _ in [(5_000_000, "me", False), *holding]]  # fmt: skip
    conn.execute(insert(identity_keys), keys)
    return sorted((at, i) for at, i, d in others if not d)


def _sent(conn: Connection, identity: str = "me", team: uuid.UUID = TEAM) -> list[tuple[str, Any]]:
    """The statements and parameters a cycle of `identity` sends."""
    statements: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(conn, "before_cursor_execute", remember)
    try:
        load_inputs(conn, team, identity)
    finally:
        event.remove(conn, "before_cursor_execute", remember)
    return statements


def _plan(conn: Connection, marker: str) -> dict[str, Any]:
    """The plan of the statement (with `marker` in it) a cycle runs for `me`'s keys, as PostgreSQL ran it."""
    statement, parameters = next((s, p) for s, p in _sent(conn) if marker in s)
    explained = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters).scalar()
    return (json.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan] + [n for child in plan.get("Plans", []) for n in _nodes(child)]


def test_a_crowded_keys_first_holders_come_from_the_index(postgres_url: str, tmp_path: Path) -> None:
    engine = views_engine(postgres_url, tmp_path)
    with engine.begin() as conn:
        counting = _seed(conn)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))  # as autovacuum would have: index-only scans skip the heap
    with engine.connect() as conn:
        inputs = load_inputs(conn, TEAM, "me")
        assert inputs is not None
        shared = inputs.profile.shared
        crowd = [s for s in shared if s.key == CODE]
        assert [(s.other_since, s.other) for s in crowd] == counting[:MAX_SHARERS]
        assert {s.sharers for s in crowd} == {MAX_COUNTED + 1}  # a crowd: counted up to MAX_COUNTED, and me
        fewer = [s for s in shared if s.key == SMALLER]
        assert len(fewer) == MAX_SHARERS
        assert {s.sharers for s in fewer} == {SMALLER_HOLDERS - 3 + 1}  # the disregarded three do not count

        plan = _plan(conn, "ORDER BY k.first_seen_at")
        used = {n.get("Index Name") for n in _nodes(plan)}
        assert "identity_keys_holders" in used, used
        assert not any(n["Node Type"] == "Sort" for n in _nodes(plan)), "every holder read and sorted"
        read = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
        assert read < HOLDERS, f"{read} blocks for {MAX_SHARERS} holders of {HOLDERS}"
        # A few thousand identities are cheaper to hash than to probe; with a team's hundred thousand, the
        # planner probes: ask for that plan.
        conn.execute(text("SET enable_hashjoin = off"))
        conn.execute(text("SET enable_mergejoin = off"))
        counted = _plan(conn, "count(*)")
        conn.execute(text("RESET enable_hashjoin"))
        conn.execute(text("RESET enable_mergejoin"))
        read = counted.get("Shared Hit Blocks", 0) + counted.get("Shared Read Blocks", 0)
        holders = MAX_COUNTED + SMALLER_HOLDERS
        assert read < 1.5 * holders, f"{read} blocks to count {holders} holders: each holder's row read"

        conn.execute(text("DROP INDEX identity_keys_holders"))
        again = load_inputs(conn, TEAM, "me")
        assert again is not None and again.profile.shared == shared
        conn.rollback()
    engine.dispose()


def test_the_holders_statement_is_the_same_text_whatever_the_number_of_keys(postgres_url: str, tmp_path: Path) -> None:
    """One text, so PostgreSQL plans it once per connection (psycopg prepares a statement it has run five
    times): a UNION ALL of one subquery per key was a new text, and a new plan, for each number of keys."""
    team = uuid.uuid4()
    engine = views_engine(postgres_url, tmp_path)
    with engine.begin() as conn:
        _seed(conn, team)
        conn.execute(insert(identity_keys), [{"customer_id": team, "kind": KeyKind.IP.value, "key": "203.0.113.9",
                                              "identity_id": "me", "first_seen_at": 6_000_000}])  # fmt: skip
    with engine.connect() as conn:
        seen = {}
        for identity in ("me", "u00001"):  # three keys, two
            sent = _sent(conn, identity, team)
            seen[identity] = [s for s, _ in sent if "ORDER BY k.first_seen_at" in s]
            keys = next(p for s, p in sent if "ORDER BY k.first_seen_at" in s)["keys"]
            assert len(keys) == (3 if identity == "me" else 2)
        assert len(seen["me"]) == 1 and seen["me"] == seen["u00001"]
        # The portable form (SQLite's) gives the same rows.
        keys = [(KeyKind.PROMO.value, CODE), (KeyKind.PROMO.value, SMALLER), (KeyKind.IP.value, "203.0.113.9")]
        base = {"customer": team, "identity": "me"}
        for each_key, portable, params in (
            (_HOLDERS_EACH_KEY, _holders_statement(3), {**base, "shown": MAX_SHARERS}),
            (_COUNTS_EACH_KEY, _counts_statement(3), {**base, "counted": MAX_COUNTED}),
        ):
            arrays = {"kinds": [kind for kind, _ in keys], "keys": [key for _, key in keys]}
            one = conn.execute(each_key, {**params, **arrays}).all()
            assert len(one) >= 3
            assert sorted(one) == sorted(conn.execute(portable, {**params, **_key_params(keys)}).all())
    engine.dispose()
