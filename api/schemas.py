from typing import Generic, TypeVar
from urllib.parse import quote

import msgspec

from projections.paging import Page

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
