"""Upserts built once per table.

SQLite gets `INSERT … ON CONFLICT` executed once per row. PostgreSQL gets one
statement per batch whose rows arrive as one array per column (`unnest`), sent in
binary: a per-row executemany spent most of the projection's CPU binding parameters
row by row."""

import functools
from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Connection,
    Float,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    TextClause,
    Uuid,
    bindparam,
    text,
)


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _typed(table: Table, sql: str) -> TextClause:
    # Typed parameters keep JSON, UUID and boolean conversion per column.
    return text(sql).bindparams(*(bindparam(c.name, type_=c.type) for c in table.columns))


def _conflict_clause(table: Table, update: bool, keep: frozenset[str]) -> str:
    if not update:
        return "ON CONFLICT DO NOTHING"
    keys = [c.name for c in table.primary_key.columns]
    updates = ", ".join(
        f"{_name(c.name)} = excluded.{_name(c.name)}"
        for c in table.columns
        if c.name not in keys and c.name not in keep
    )
    return f"ON CONFLICT ({', '.join(map(_name, keys))}) DO UPDATE SET {updates}"


@functools.cache
def _row_statement(table: Table, update: bool, keep: frozenset[str]) -> TextClause:
    columns = [c.name for c in table.columns]
    return _typed(
        table,
        f"INSERT INTO {_name(table.name)} ({', '.join(map(_name, columns))}) "
        f"VALUES ({', '.join(':' + c for c in columns)}) {_conflict_clause(table, update, keep)}",
    )


# Order matters: BigInteger and SmallInteger are Integer subclasses, Text a String one.
_ARRAY_TYPES: tuple[tuple[type, str], ...] = (
    (Uuid, "uuid"),
    (BigInteger, "int8"),
    (SmallInteger, "int2"),
    (Integer, "int4"),
    (Boolean, "bool"),
    (Float, "float8"),
    (JSON, "text"),  # encoded here, cast to json in the statement
    (Text, "text"),
    (String, "text"),
)


def array_type(column_type: Any) -> str:
    for sa_type, pg_type in _ARRAY_TYPES:
        if isinstance(column_type, sa_type):
            return pg_type
    raise TypeError(f"no array mapping for column type {column_type!r}")


@functools.cache
def _array_statement(table: Table, update: bool, keep: frozenset[str]) -> str:
    columns = list(table.columns)
    names = ", ".join(_name(c.name) for c in columns)
    # %b: psycopg dumps arrays in binary format ~8x faster than in text (measured).
    arrays = ", ".join(f"%b::{array_type(c.type)}[]" for c in columns)
    selected = ", ".join(f"{_name(c.name)}::json" if isinstance(c.type, JSON) else _name(c.name) for c in columns)
    return (
        f"INSERT INTO {_name(table.name)} ({names}) "
        f"SELECT {selected} FROM unnest({arrays}) AS u({names}) {_conflict_clause(table, update, keep)}"
    )


_json = msgspec.json.Encoder()


def _column_arrays(table: Table, rows: Sequence[dict[str, Any]]) -> tuple[list[Any], ...]:
    arrays = []
    for column in table.columns:
        values = [row[column.name] for row in rows]
        if isinstance(column.type, JSON):
            # As SQLAlchemy's JSON type does by default: None is the JSON null, not SQL NULL.
            values = [_json.encode(v).decode() for v in values]
        arrays.append(values)
    return tuple(arrays)


def _write(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], update: bool, keep: frozenset[str] = frozenset()
) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(_array_statement(table, update, keep), _column_arrays(table, rows))
    else:
        conn.execute(_row_statement(table, update, keep), list(rows))


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]], keep: frozenset[str] = frozenset()) -> None:
    """Insert rows, replacing every non-key column of rows that already exist except those in `keep`
    (columns another projection owns)."""
    _write(conn, table, rows, update=True, keep=keep)


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows; rows whose key already exists are left as they are."""
    _write(conn, table, rows, update=False)
