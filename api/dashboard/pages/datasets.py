"""The datasets pages: the lists the analyzers consult (Dregs's GLOBAL ones, read-only, and the team's own
CUSTOMER ones that add to them) with their entry counts, a list's entries a page at a time, and for admins, on
the team's own lists, a form that adds or replaces an entry and a button that removes one: the same functions
as /api/datasets."""

from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from api.auth import Caller
from api.dashboard.forms import FORM, REFUSED, refusal
from api.dashboard.templates import Viewer, page, paged
from api.dependencies import provide, scoring, scoring_engine
from api.errors import NotFound
from api.scoring.datasets import CUSTOMER, GLOBAL, datasets_of, entries_in, remove_entry, set_entry
from api.team.activity import RequestActivity
from application.scoring.application import ScoringApplication
from application.scoring.engine import ScoringEngine
from domain.errors import InvalidInput
from domain.scoring.dataset_entry import MAX_KEY, MAX_VALUE, check_slug
from projections.paging import Page
from projections.read_models import ReadModels

ENTRIES_PAGE = 50


class EntryForm(msgspec.Struct):
    key: str = ""
    value: str = ""


class DeleteForm(msgspec.Struct):
    key: str = ""  # in the body: a page's path arrives decoded, and a key may hold a `/`


def _segment(value: str) -> str:
    """A value as a path segment of the API's routes, which arrive percent-encoded: the functions shared with
    them decode it (api.http.path_value); a page's path parameters and form fields arrive decoded."""
    return quote(value, safe="")


def _dataset_path(scope: str, slug: str) -> str:
    return f"/settings/datasets/{scope.upper()}/{_segment(slug)}"


class DatasetPages(Controller):
    include_in_schema = False
    path = "/settings/datasets"
    dependencies = provide(scoring=scoring, engine=scoring_engine)  # noqa: RUF012

    @get("/", sync_to_thread=True)
    def datasets(
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        engine: NamedDependency[ScoringEngine],
    ) -> Template:
        found = datasets_of(engine, read_models, caller)
        own = {d.slug: d.entry_count for d in found if d.scope == CUSTOMER}
        context = page(viewer, "settings", tab="datasets", own=own,
                       dregs=[d for d in found if d.scope == GLOBAL],
                       team=[d for d in found if d.scope == CUSTOMER])  # fmt: skip
        return Template(template_name="settings/datasets.html", context=context)

    def _render(  # noqa: PLR0913 - which list, whose, which page, and what the change that led here left
        self,
        viewer: Viewer,
        engine: ScoringEngine,
        read_models: ReadModels,
        caller: Caller,
        scope: str,
        slug: str,
        page_number: int = 0,
        **extra: Any,
    ) -> Template:
        kind, name = scope.upper(), slug
        if kind == CUSTOMER:
            try:
                check_slug(name)
            except InvalidInput:
                raise NotFound("Dataset not found") from None
        offset = page_number * ENTRIES_PAGE
        rows = entries_in(engine, read_models, caller, _segment(scope), _segment(slug), ENTRIES_PAGE, offset)
        total = next((d.entry_count for d in datasets_of(engine, read_models, caller)
                      if d.scope == kind and d.slug == name), 0)  # fmt: skip
        listed = paged(_dataset_path(kind, name), {}, Page([msgspec.structs.asdict(r) for r in rows], page_number,
                                                           ENTRIES_PAGE, total))  # fmt: skip
        status = extra.pop("status", 200)
        context = page(viewer, "settings", tab="datasets", scope=kind, slug=name, writable=kind == CUSTOMER,
                       action=f"{_dataset_path(kind, name)}/entries", max_key=MAX_KEY,
                       max_value=MAX_VALUE, **listed, **extra)  # fmt: skip
        return Template(template_name="settings/dataset.html", context=context, status_code=status)

    @get("/{dataset_scope:str}/{slug:str}", sync_to_thread=True)
    def dataset(  # noqa: PLR0913 - which list, and which page of it
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        engine: NamedDependency[ScoringEngine],
        dataset_scope: FromPath[str],
        slug: FromPath[str],
        page_number: Annotated[int, QueryParameter(name="page", ge=0, le=100_000)] = 0,
    ) -> Template:
        """A list's entries in key order; GLOBAL ones hold keys only."""
        return self._render(viewer, engine, read_models, caller, dataset_scope, slug, page_number)

    @post("/{dataset_scope:str}/{slug:str}/entries", sync_to_thread=True)
    def put(  # noqa: PLR0913 - which list, the form, and the parts that record the entry
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        engine: NamedDependency[ScoringEngine],
        scoring: NamedDependency[ScoringApplication],
        activity: NamedDependency[RequestActivity],
        dataset_scope: FromPath[str],
        slug: FromPath[str],
        data: Annotated[EntryForm, FORM],
    ) -> Template | Redirect:
        """Adds the entry, or replaces the value of the team's entry with the same key."""
        try:
            set_entry(scoring, activity, caller, _segment(dataset_scope), _segment(slug), data.key, data.value)
        except (*REFUSED, PermissionDeniedException) as exc:
            error, status = _refused(exc)
            return self._render(viewer, engine, read_models, caller, dataset_scope, slug, error=error, status=status,
                                asked=data)  # fmt: skip
        return Redirect(_dataset_path(dataset_scope, slug), status_code=303)

    @post("/{dataset_scope:str}/{slug:str}/entries/delete", sync_to_thread=True)
    def delete(  # noqa: PLR0913 - which entry, and the parts that remove it
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        engine: NamedDependency[ScoringEngine],
        scoring: NamedDependency[ScoringApplication],
        activity: NamedDependency[RequestActivity],
        dataset_scope: FromPath[str],
        slug: FromPath[str],
        data: Annotated[DeleteForm, FORM],
    ) -> Template | Redirect:
        try:
            remove_entry(scoring, activity, caller, _segment(dataset_scope), _segment(slug), _segment(data.key))
        except (*REFUSED, PermissionDeniedException) as exc:
            error, status = _refused(exc)
            return self._render(viewer, engine, read_models, caller, dataset_scope, slug, error=error, status=status)
        return Redirect(_dataset_path(dataset_scope, slug), status_code=303)


def _refused(exc: Exception) -> tuple[str, int]:
    """A GLOBAL list refuses every change as the API does (403); the rest as the other forms say."""
    if isinstance(exc, PermissionDeniedException):
        return exc.detail, 403
    return refusal(exc)
