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


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    page_number: int
    page_size: int
    total: int


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
    total = conn.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    direction = (lambda c: c.desc()) if page.descending else (lambda c: c.asc())
    ordered = query.order_by(direction(order).nulls_last(), *(direction(c) for c in tiebreak))
    rows = conn.execute(ordered.limit(page.page_size).offset(page.page_number * page.page_size)).mappings()
    return Page([dict(r) for r in rows], page.page_number, page.page_size, total)


def like_pattern(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
