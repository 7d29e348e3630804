"""Rows of one read-model table, loaded once per projection batch and written once."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, and_, delete, select, tuple_

from projections.upsert import upsert

CHUNK = 500


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
        by_customer: dict[UUID, list[tuple[Any, ...]]] = defaultdict(list)
        for key in wanted:
            by_customer[key[0]].append(key)
            self.rows[key] = None
        cols = [self.table.c[name] for name in self.key_columns]
        for customer_id, customer_keys in by_customer.items():
            for i in range(0, len(customer_keys), CHUNK):
                chunk = customer_keys[i : i + CHUNK]
                if len(cols) == 2:
                    condition = cols[1].in_([k[1] for k in chunk])
                else:
                    condition = tuple_(*cols[1:]).in_([k[1:] for k in chunk])
                query = select(self.table).where(and_(cols[0] == customer_id, condition))
                for row in conn.execute(query).mappings():
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
        upsert(conn, self.table, [self.rows[k] for k in self.dirty if self.rows[k] is not None], self.keep)
        cols = [self.table.c[name] for name in self.key_columns]
        for key in self.deleted:
            conn.execute(delete(self.table).where(and_(*(c == v for c, v in zip(cols, key, strict=True)))))
