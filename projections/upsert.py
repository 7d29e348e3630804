"""Upserts as plain SQL built once per table: `INSERT … ON CONFLICT` reads the same on
PostgreSQL and SQLite, and a text statement is compiled once, not on every batch."""

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, TextClause, bindparam, text


def _name(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _typed(table: Table, sql: str) -> TextClause:
    # Typed parameters keep JSON, UUID and boolean conversion per column.
    return text(sql).bindparams(*(bindparam(c.name, type_=c.type) for c in table.columns))


@functools.cache
def _upsert_statement(table: Table) -> TextClause:
    columns = [c.name for c in table.columns]
    keys = [c.name for c in table.primary_key.columns]
    updates = ", ".join(f"{_name(c)} = excluded.{_name(c)}" for c in columns if c not in keys)
    return _typed(
        table,
        f"INSERT INTO {_name(table.name)} ({', '.join(map(_name, columns))}) "
        f"VALUES ({', '.join(':' + c for c in columns)}) "
        f"ON CONFLICT ({', '.join(map(_name, keys))}) DO UPDATE SET {updates}",
    )


@functools.cache
def _insert_ignore_statement(table: Table) -> TextClause:
    columns = [c.name for c in table.columns]
    return _typed(
        table,
        f"INSERT INTO {_name(table.name)} ({', '.join(map(_name, columns))}) "
        f"VALUES ({', '.join(':' + c for c in columns)}) ON CONFLICT DO NOTHING",
    )


def upsert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows, replacing every non-key column of rows that already exist."""
    if rows:
        conn.execute(_upsert_statement(table), list(rows))


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(_insert_ignore_statement(table), list(rows))
