"""Small helpers every controller shares: ids from the raw path, paging, bodies."""

from typing import Any, TypeVar
from urllib.parse import unquote

import msgspec
from litestar import Request

from domain.errors import InvalidInput
from domain.tracking.group_types import normalize_group_type
from projections.paging import PageRequest

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


def path_value(raw: str) -> str:
    """Path segments arrive percent-encoded (see api.edge); `a%2Fb` is the id `a/b`."""
    return unquote(raw, errors="strict")


def query_value(request: Request[Any, Any, Any], name: str) -> str | None:
    value = request.query_params.get(name)
    return value if value not in (None, "") else None


def query_group_type(request: Request[Any, Any, Any], name: str = "groupType") -> str | None:
    """Group types are compared normalized, as they are stored (`ParentCompany` = `parent_company`)."""
    value = query_value(request, name)
    return normalize_group_type(value) if value else None


def int_param(request: Request[Any, Any, Any], name: str, default: int) -> int:
    raw = query_value(request, name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number") from None


def page_request(request: Request[Any, Any, Any]) -> PageRequest:
    page_number = int_param(request, "pageNumber", 0)
    page_size = int_param(request, "pageSize", DEFAULT_PAGE_SIZE)
    if page_number < 0:
        raise InvalidInput("pageNumber must be 0 or more")
    if page_size <= 0:
        raise InvalidInput("pageSize must be 1 or more")
    order = (query_value(request, "order") or "DESC").upper()
    if order not in ("ASC", "DESC"):
        raise InvalidInput("order must be ASC or DESC")
    return PageRequest(
        page_number=page_number,
        page_size=min(page_size, MAX_PAGE_SIZE),
        sort=query_value(request, "sort"),
        descending=order == "DESC",
    )


def decode_body(body: bytes, into: type[T]) -> T:
    if not body.strip():
        raise InvalidInput("A JSON body is required")
    try:
        return msgspec.json.decode(body, type=into)
    except msgspec.ValidationError as exc:
        raise InvalidInput(f"Invalid body: {exc}") from None
    except msgspec.DecodeError:
        raise InvalidInput("The body is not valid JSON") from None
    except RecursionError:
        raise InvalidInput("The body is nested too deeply") from None
