"""What every controller shares at the HTTP edge: ids from the raw path, query parameters with their
documented bounds, the paging parameters, and strict JSON bodies."""

import json
from collections.abc import Iterable
from dataclasses import replace
from typing import Annotated, Any, TypeVar
from urllib.parse import unquote

import msgspec
from litestar import Request
from litestar.di import Provide
from litestar.params import QueryParameter
from litestar.types import Empty

from domain.errors import InvalidInput
from domain.text import check_storable
from domain.tracking.group_types import normalize_group_type
from projections.paging import PageRequest

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# Far past any real list, and small enough that an offset (page × size) fits every database's integer.
MAX_PAGE_NUMBER = 10_000_000
# Asked-for page sizes above MAX_PAGE_SIZE are served as MAX_PAGE_SIZE (the contract's "clamp"); past this
# the number is refused, so it always fits an integer column.
MAX_ASKED_PAGE_SIZE = 1_000_000
MAX_TERM = 200
MAX_ID = 255

# No database text type holds NUL: refused in every string the API reads (a regex both msgspec and
# JSON Schema read the same way).
NO_NUL = r"^[^\x00]*$"


def any_case(*words: str) -> str:
    """A pattern matching any of `words` in any letter case, spelt so every regex dialect reads it."""
    spelt = ("".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in w) for w in words)
    return "^(" + "|".join(spelt) + ")$"


ORDER = any_case("ASC", "DESC")

# How a broken pattern is told to the caller: "<parameter> <rule>".
PATTERN_RULES = {NO_NUL: "must not contain NUL characters", ORDER: "must be ASC or DESC"}


def path_value(raw: str) -> str:
    """Path segments arrive percent-encoded (see api.edge); `a%2Fb` is the id `a/b`.

    No id can hold NUL or a lone surrogate (domain/text.py), and PostgreSQL refuses them even as
    a query parameter: such a segment is a 400 before any query, not a database error."""
    try:
        value = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise InvalidInput("A path segment is not percent-encoded UTF-8") from None
    return check_storable("A path segment", value)


def text_query(name: str, description: str, max_length: int = MAX_ID) -> Any:
    """An optional free-text query parameter (an empty value counts as absent)."""
    return QueryParameter(name=name, description=description, max_length=max_length, pattern=NO_NUL)


def optional(value: str | None) -> str | None:
    return value or None


def group_type_filter(value: str | None) -> str | None:
    """Group types are compared normalized, as they are stored (`ParentCompany` = `parent_company`)."""
    return normalize_group_type(value) if value else None


PageNumber = Annotated[
    int, QueryParameter(name="pageNumber", ge=0, le=MAX_PAGE_NUMBER, description="0-based page number")
]
PageSize = Annotated[
    int,
    QueryParameter(
        name="pageSize",
        ge=1,
        le=MAX_ASKED_PAGE_SIZE,
        description=f"items per page; more than {MAX_PAGE_SIZE} is served as {MAX_PAGE_SIZE}",
    ),
]


def paging(sorts: Iterable[str] = (), default_sort: str | None = None, *, descending: bool = True) -> Provide:
    """The paging parameters of a list (contract §3), with the sort names that list accepts; a list kept in one
    order (no sorts, as an identity's timeline in time) takes no `sort`. `descending`: the order unless asked."""
    names = list(sorts)
    default_order = "DESC" if descending else "ASC"
    order_parameter = QueryParameter(
        name="order", pattern=ORDER, description=f"ASC or DESC (any case); default {default_order}"
    )

    def in_order(
        page_number: PageNumber = 0,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        order: Annotated[str | None, order_parameter] = None,
    ) -> PageRequest:
        return PageRequest(
            page_number=page_number,
            page_size=min(page_size, MAX_PAGE_SIZE),
            descending=(order or default_order).upper() == "DESC",
        )

    if not names:
        return Provide(in_order, sync_to_thread=False)

    def sorted_by(
        page_number: PageNumber = 0,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
        sort: Annotated[
            str | None,
            QueryParameter(
                name="sort",
                description=f"the field to sort by (compared case-insensitively); default {default_sort}",
                schema_extra={"enum": names},
            ),
        ] = None,
        order: Annotated[str | None, order_parameter] = None,
    ) -> PageRequest:
        return replace(in_order(page_number, page_size, order), sort=sort or None)

    return Provide(sorted_by, sync_to_thread=False)


def _no_key_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise InvalidInput(f"The body names {twice!r} twice in one object")
    return found


# Made once: json.loads with a hook would build a decoder per call (measured: half the check's cost).
_PAIRS = json.JSONDecoder(object_pairs_hook=_no_key_twice)


def decode_body(body: bytes, into: type[T]) -> T:
    """Strict JSON: no coercion of types, and no key given twice in one object (msgspec would keep the
    last silently; which one the sender meant is a guess the API refuses to make)."""
    if not body.strip():
        raise InvalidInput("A JSON body is required")
    try:
        decoded = msgspec.json.decode(body, type=into)
    except msgspec.ValidationError as exc:
        raise InvalidInput(f"Invalid body: {exc}") from None
    except (msgspec.DecodeError, UnicodeDecodeError):
        raise InvalidInput("The body is not valid JSON in UTF-8") from None
    except RecursionError:
        raise InvalidInput("The body is nested too deeply") from None
    try:
        # msgspec has no option to refuse duplicates; the standard library's scanner lists every pair. The
        # body is JSON by now (msgspec read it), but msgspec reads a string it does not keep (one a Struct
        # ignores, or an `Any` field's) without checking its UTF-8: a raw lone surrogate gets this far.
        _PAIRS.decode(body.decode())
    except UnicodeDecodeError:
        raise InvalidInput("The body is not valid JSON in UTF-8") from None
    except RecursionError:
        raise InvalidInput("The body is nested too deeply") from None
    return decoded


class StrictRequest(Request[Any, Any, Any]):
    """Bodies of handlers that take `data: SomeStruct` are decoded by decode_body, into that type:
    Litestar's own path converts leniently ("5" for an int, "true" for a bool)."""

    async def json(self) -> Any:
        if self._json is Empty:
            field = self.route_handler.parsed_data_field
            into = field.annotation if field is not None else Any
            self._json = decode_body(await self.body(), into)
        return self._json
