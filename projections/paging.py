from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from domain.errors import InvalidInput


@dataclass(frozen=True)
class PageRequest:
    page_number: int = 0
    page_size: int = 25
    sort: str | None = None
    descending: bool = True
    # Count at most this many matches (None: all). A person reads "10,000+" as well as an exact figure, and an
    # exact count of a million events is most of a page's time; the API's clients page by the exact total.
    count_limit: int | None = None


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    page_number: int
    page_size: int
    total: int
    more: bool = False  # more than the request's count_limit matched: `total` is that limit


def sort_column(sorts: dict[str, ColumnElement[Any]], requested: str | None, default: str) -> ColumnElement[Any]:
    name = requested or default
    # Sort names compare case-insensitively: `lastTrackedAt`, `lasttrackedat`.
    for key, column in sorts.items():
        if key.lower() == name.lower():
            return column
    raise InvalidInput(f"cannot sort by {name!r}; use one of: {', '.join(sorts)}")


def paginate(
    conn: Connection,
    query: Select[Any],
    page: PageRequest,
    order: ColumnElement[Any],
    tiebreak: list[ColumnElement[Any]],
) -> Page:
    counted = query.order_by(None)
    if page.count_limit is not None:
        counted = counted.limit(page.count_limit + 1)
    total = conn.execute(select(func.count()).select_from(counted.subquery())).scalar_one()
    more = page.count_limit is not None and total > page.count_limit
    direction = (lambda c: c.desc()) if page.descending else (lambda c: c.asc())
    # NULLS LAST only where a NULL can be: PostgreSQL cannot walk a plain index in that order, so a list of a
    # million events sorted by a NOT NULL column would be sorted in full rather than read off its index.
    first = direction(order).nulls_last() if getattr(order, "nullable", True) else direction(order)
    ordered = query.order_by(first, *(direction(c) for c in tiebreak))
    rows = conn.execute(ordered.limit(page.page_size).offset(page.page_number * page.page_size)).mappings()
    shown = min(total, page.count_limit) if page.count_limit is not None else total
    return Page([dict(r) for r in rows], page.page_number, page.page_size, shown, more)


def like_pattern(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
