from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import quote

import msgspec

from api.http import NO_NUL
from projections.paging import Page

# Not blank once trimmed, and no NUL (which no database text type holds).
NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"


def text(max_length: int, *, min_length: int = 0, pattern: str = NO_NUL, **schema: Any) -> Any:
    """A bounded string, checked when the body is decoded; `schema` adds document-only keywords."""
    extra = {"extra_json_schema": {"extra": schema}} if schema else {}
    return Annotated[str, msgspec.Meta(min_length=min_length, max_length=max_length, pattern=pattern, **extra)]


def name(max_length: int) -> Any:
    return text(max_length, min_length=1, pattern=NOT_BLANK)


T = TypeVar("T")


class PageOut(msgspec.Struct, Generic[T], rename="camel"):
    content: list[T]
    page_number: int
    page_size: int
    total_pages: int
    total_elements: int
    first: bool
    last: bool


def page_out(page: Page, items: list[T]) -> PageOut[T]:
    total_pages = -(-page.total // page.page_size) if page.total else 0
    return PageOut(
        content=items,
        page_number=page.page_number,
        page_size=page.page_size,
        total_pages=total_pages,
        total_elements=page.total,
        first=page.page_number == 0,
        last=page.page_number >= total_pages - 1,
    )


class Reference(msgspec.Struct):
    id: str
    label: str | None
    path: str | None


class GroupReference(msgspec.Struct):
    type: str
    id: str
    label: str | None
    path: str | None


def _segment(value: str) -> str:
    # `.` and `..` are dot segments that every client resolves away; escape them too.
    return "%2E" * len(value) if value in (".", "..") else quote(value, safe="")


def api_path(*segments: str) -> str:
    return "/api/" + "/".join(_segment(s) for s in segments)
