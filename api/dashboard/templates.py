"""The dashboard's Jinja templates: where they are, the filters they use, and what every page is given."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import msgspec
from litestar.di import NamedDependency
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig
from markupsafe import Markup

from api.auth import Caller
from api.system.pages import VERSION
from api.time import format_time
from domain.accounts.roles import Role, ranks_at_least

FOLDER = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
LOW, HIGH = 30, 60  # a score below LOW is bad, from HIGH good: the colour of its indicator


def score_class(value: int | None) -> str:
    if value is None:
        return "score-none"
    return "score-bad" if value < LOW else ("score-warn" if value < HIGH else "score-good")


def shown_time(value: int | None) -> str:
    """`2026-12-01 14:22 UTC`, for people; the API's instants stay ISO-8601."""
    text = format_time(value)
    return "—" if text is None else text[:16].replace("T", " ") + " UTC"


def identity_path(identity_id: str) -> str:
    """An identity's page: its id is one path segment, `/` and all encoded (as the API's paths take it)."""
    return "/identities/" + quote(identity_id, safe="")


def script_json(value: Any) -> Markup:
    """JSON for a `<script type="application/json">` that a static script reads (no inline script under the
    CSP): `<`, `>` and `&` escaped, so no value can close the element."""
    text = msgspec.json.encode(value).decode()
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))  # noqa: S704


def _filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters.update(score_class=score_class, shown_time=shown_time)
    engine.engine.globals.update(LOW=LOW, HIGH=HIGH, identity_path=identity_path)


CONFIG = TemplateConfig(directory=FOLDER, engine=JinjaTemplateEngine, engine_callback=_filters)


@dataclass(frozen=True)
class Viewer:
    """Who is looking: what the page shows and which of its buttons exist (the server refuses them anyway)."""

    email: str
    role: str

    @property
    def can_work(self) -> bool:
        return ranks_at_least(self.role, Role.USER)

    @property
    def is_admin(self) -> bool:
        return ranks_at_least(self.role, Role.ADMIN)


def viewer(caller: NamedDependency[Caller]) -> Viewer:
    """The signed-in member (a page's guard let only a member's session through)."""
    return Viewer(email=caller.email or "", role=caller.role or Role.VIEWER.value)


# The lists count their matches up to this many ("1,000+"): past it an exact count costs more than it tells (a
# search of a million events' text for a common word took half a second to count, its page of rows a millisecond).
COUNTED = 1_000


def paged(path: str, query: dict[str, str], found: Any) -> dict[str, Any]:
    """What partials/pager.html needs for a list at `path` filtered by `query` (empty values left out), showing
    `found` (a projections.paging.Page)."""
    given = {k: v for k, v in query.items() if v}

    def page_link(number: int) -> str:
        return f"{path}?" + urlencode({**given, "page": number})

    pages = -(-found.total // found.page_size)
    if found.more:  # counted up to the limit: there is a next page while this one is full
        pages = max(pages, found.page_number + (2 if len(found.rows) == found.page_size else 1))
    return {"page_number": found.page_number, "pages": pages, "page_link": page_link, "query": query,
            "total": found.total, "more": found.more, "rows": found.rows}  # fmt: skip


def page(viewer: Viewer, section: str, **context: Any) -> dict[str, Any]:
    """Every page's context: who looks, which section of the navigation is theirs."""
    return {"viewer": viewer, "section": section, "version": VERSION, **context}
