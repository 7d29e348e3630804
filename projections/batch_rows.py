"""Rows of one read-model table, loaded once per projection batch and written once."""

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, RowMapping, Table, and_, delete, select, tuple_

from projections.upsert import array_type, upsert

CHUNK = 500


def by_customer(keys: Iterable[tuple[Any, ...]]) -> dict[UUID, list[tuple[Any, ...]]]:
    """(customer_id, *rest) tuples grouped by team: every read-model query is scoped to one."""
    grouped: dict[UUID, list[tuple[Any, ...]]] = defaultdict(list)
    for key in keys:
        grouped[key[0]].append(key[1:])
    return grouped


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@functools.cache
def _matching_statement(table: Table, columns: tuple[str, ...], selected: tuple[str, ...], limit: int | None) -> str:
    arrays = ", ".join(f"%s::{array_type(table.c[c].type)}[]" for c in columns)
    return (
        f"SELECT {', '.join('t.' + _quoted(c) for c in selected)} FROM {_quoted(table.name)} t"
        f" JOIN unnest({arrays}) AS w({', '.join(map(_quoted, columns))})"
        f" ON {' AND '.join(f't.{_quoted(c)} = w.{_quoted(c)}' for c in columns)}"
        f" WHERE t.customer_id = %s" + (f" LIMIT {int(limit)}" if limit else "")
    )


def matching(
    conn: Connection,
    table: Table,
    customer_id: UUID,
    columns: list[str],
    wanted: list[tuple[Any, ...]],
    selected: list[str],
    limit: int | None = None,
) -> list[RowMapping]:
    """The team's rows whose `columns` equal one of the `wanted` tuples (columns after customer_id).

    On PostgreSQL a long row-value `IN` list is planned as an OR of conditions: with three
    columns it took most of the projection's database time (measured). There the tuples
    are joined as arrays instead, in a statement whose text is the same for any number of
    them (built once; a projection's round runs several); SQLite takes the `IN` list well."""
    if not wanted:
        return []
    if conn.dialect.name == "postgresql":
        sql = _matching_statement(table, tuple(columns), tuple(selected), limit)
        params = (*([row[i] for row in wanted] for i in range(len(columns))), customer_id)
        return list(conn.exec_driver_sql(sql, params).mappings())
    cols = [table.c[c] for c in columns]
    found: list[RowMapping] = []
    for i in range(0, len(wanted), CHUNK):
        chunk = wanted[i : i + CHUNK]
        condition = cols[0].in_([k[0] for k in chunk]) if len(cols) == 1 else tuple_(*cols).in_(chunk)
        query = select(*(table.c[c] for c in selected)).where(and_(table.c.customer_id == customer_id, condition))
        found.extend(conn.execute(query if limit is None else query.limit(limit)).mappings())
    return found[:limit] if limit else found


class BatchRows:
    """Rows of one table keyed by (customer_id, *natural key), loaded once per batch."""

    def __init__(self, table: Table, key_columns: list[str], keep: frozenset[str] = frozenset()) -> None:
        self.table = table
        self.key_columns = key_columns
        self.keep = keep  # columns another projection owns: written on insert, never replaced
        self.rows: dict[tuple[Any, ...], dict[str, Any] | None] = {}
        self.dirty: set[tuple[Any, ...]] = set()
        self.deleted: set[tuple[Any, ...]] = set()

    def load(self, conn: Connection, keys: Iterable[tuple[Any, ...]]) -> None:
        wanted = [k for k in set(keys) if k not in self.rows]
        self.rows.update(dict.fromkeys(wanted))
        names = [c.name for c in self.table.columns]
        for customer_id, customer_keys in by_customer(wanted).items():
            found = matching(conn, self.table, customer_id, self.key_columns[1:], customer_keys, names)
            for row in found:
                key = tuple(row[name] for name in self.key_columns)
                if key in self.rows:
                    self.rows[key] = dict(row)

    def get(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        return self.rows.get(key)

    def put(self, key: tuple[Any, ...], row: dict[str, Any]) -> None:
        self.rows[key] = row
        self.dirty.add(key)
        self.deleted.discard(key)

    def remove(self, key: tuple[Any, ...]) -> None:
        if self.rows.get(key) is not None:
            self.rows[key] = None
            self.dirty.discard(key)
            self.deleted.add(key)

    def flush(self, conn: Connection) -> None:
        """Rows are written in key order: two transactions that write some of the same rows (the tracking
        and scoring projections, or a rebuild beside a running process) then lock them in the same order,
        and never deadlock on them."""
        dirty = sorted(self.dirty)
        upsert(conn, self.table, [self.rows[k] for k in dirty if self.rows[k] is not None], self.keep)
        cols = [self.table.c[name] for name in self.key_columns]
        for key in sorted(self.deleted):
            conn.execute(delete(self.table).where(and_(*(c == v for c, v in zip(cols, key, strict=True)))))
