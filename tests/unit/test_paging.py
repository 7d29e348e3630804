"""projections/paging.py paginate: a page's rows and count; a count_limit caps the count (the dashboard's
"10,000+") without changing the rows; NULLs sort last only where the column can hold one, and the SQL says so
only then (PostgreSQL walks a plain index only without NULLS LAST)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select
from sqlalchemy.dialects import postgresql

from projections.paging import PageRequest, paginate

metadata = MetaData()
things = Table(
    "things", metadata, Column("id", Integer, primary_key=True), Column("name", String, nullable=False),
    Column("seen", Integer, nullable=True),
)  # fmt: skip


@pytest.fixture(scope="module")
def conn():  # type: ignore[no-untyped-def]
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(things), [{"id": n, "name": f"n{n:03d}", "seen": None if n % 7 == 0 else n % 13}
                                            for n in range(1, 101)])  # fmt: skip
        yield connection


@settings(max_examples=60, deadline=None)
@given(page_number=st.integers(0, 6), page_size=st.integers(1, 30), limit=st.none() | st.integers(0, 120))
def test_a_count_limit_caps_the_count_and_says_so_without_changing_the_rows(
    conn, page_number: int, page_size: int, limit: int | None
) -> None:
    query = select(things.c.id, things.c.seen).where(things.c.id > 10)  # 90 rows
    exact = paginate(conn, query, PageRequest(page_number, page_size), things.c.seen, [things.c.id])
    capped = paginate(conn, query, PageRequest(page_number, page_size, count_limit=limit), things.c.seen,
                      [things.c.id])  # fmt: skip
    assert exact.total == 90 and not exact.more
    assert capped.rows == exact.rows
    if limit is None or limit >= 90:
        assert (capped.total, capped.more) == (90, False)
    else:
        assert (capped.total, capped.more) == (limit, True)


def test_nulls_come_last_where_a_column_can_hold_one(conn) -> None:
    found = paginate(conn, select(things.c.id, things.c.seen), PageRequest(0, 100), things.c.seen, [things.c.id])
    seen = [r["seen"] for r in found.rows]
    assert seen[-14:] == [None] * 14 and None not in seen[:-14]
    assert seen[:-14] == sorted(seen[:-14], reverse=True)


def test_nulls_last_is_asked_for_only_of_a_column_that_can_hold_one(conn) -> None:
    said: list[str] = []

    def compiled(statement, *args, **kwargs):  # type: ignore[no-untyped-def]
        said.append(str(statement.compile(dialect=postgresql.dialect())))
        return real(statement, *args, **kwargs)

    real = conn.execute
    conn.execute = compiled
    try:
        paginate(conn, select(things.c.id), PageRequest(0, 5), things.c.name, [things.c.id])
        paginate(conn, select(things.c.id), PageRequest(0, 5), things.c.seen, [things.c.id])
    finally:
        conn.execute = real
    ordered = [s for s in said if "ORDER BY" in s]
    assert "NULLS LAST" not in ordered[0] and "NULLS LAST" in ordered[1]


def test_a_capped_list_offers_the_next_page_while_its_pages_are_full() -> None:
    from api.dashboard.templates import paged
    from projections.paging import Page

    full, short = [{}] * 25, [{}] * 3
    assert paged("/events", {}, Page(full, 0, 25, 100, more=False))["pages"] == 4
    assert paged("/events", {}, Page(full, 3, 25, 100, more=True))["pages"] == 5  # counted to 100, more behind
    assert paged("/events", {}, Page(full, 8, 25, 100, more=True))["pages"] == 10  # past the count, still full
    assert paged("/events", {}, Page(short, 8, 25, 100, more=True))["pages"] == 9  # the last page
