"""Datasets: list them and their entries; admins put and delete entries of the team's own."""

from typing import Annotated

from litestar import delete, get, put
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter

from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound, responses
from api.http import MAX_PAGE_NUMBER, PATTERN_RULES, path_value
from api.scoring.schemas.datasets import DatasetEntryIn, DatasetEntryOut, DatasetOut, entry_out
from api.team.activity import RequestActivity
from api.time import format_time
from application.scoring.application import ScoringApplication
from application.scoring.engine import ScoringEngine
from domain.errors import InvalidInput
from domain.scoring.dataset_entry import check_slug
from domain.scoring.datasets import Datasets
from domain.team.activity import Kind
from domain.times import to_micros
from projections.read_models import SCORING, ReadModels
from projections.scoring.queries.datasets import entries_of, team_datasets

GLOBAL, CUSTOMER = "GLOBAL", "CUSTOMER"
DEFAULT_ENTRIES = 50
MAX_ENTRIES = 500
SCOPE = PathParameter(description="GLOBAL (maintained by Dregs) or CUSTOMER (the team's own); any case")
# What check_slug accepts, stated in the document: another resource's slug (a channel's has hyphens) is
# not a dataset's.
DATASET_SLUG = r"^[a-z][a-z0-9_]{0,63}$"
PATTERN_RULES[DATASET_SLUG] = "is 1 to 64 lower-case letters, digits or underscores, from a letter"
WRITABLE_SLUG = PathParameter(pattern=DATASET_SLUG, description="the dataset's slug")


_sorted: dict[tuple[str, str], list[str]] = {}


def _global_keys(datasets: Datasets, slug: str) -> list[str]:
    """A GLOBAL list in key order, sorted once per version."""
    key = (slug, datasets.version)
    if key not in _sorted:
        _sorted[key] = sorted(datasets.entries.get(slug, frozenset()))
    return _sorted[key]


def _scope(raw: str) -> str:
    scope = path_value(raw).upper()
    if scope not in (GLOBAL, CUSTOMER):
        raise NotFound("Dataset not found")
    return scope


def _writable(scope: str) -> None:
    if scope != CUSTOMER:
        raise PermissionDeniedException("GLOBAL datasets are maintained by Dregs; add entries to CUSTOMER ones")


# What the API's routes and the dashboard's pages share. `scope`, `slug` and a deleted entry's `key` are path
# segments as the API's routes receive them (percent-encoded, the scope in any case), decoded here between the
# checks so that a refusal is the one the API always gave; a page encodes its values first.


def datasets_of(engine: ScoringEngine, read_models: ReadModels, caller: Caller) -> list[DatasetOut]:
    """The GLOBAL datasets, then the team's own CUSTOMER ones (those holding an entry)."""
    base = engine.datasets()
    found = [DatasetOut(GLOBAL, slug, len(keys), base.version, None) for slug, keys in sorted(base.entries.items())]
    with read_models.current(SCORING) as conn:
        for row in team_datasets(conn, caller.customer_id):
            found.append(DatasetOut(CUSTOMER, row["slug"], row["entry_count"], None, format_time(row["updated_at"])))
    return found


def entries_in(  # noqa: PLR0913 - which dataset, whose, and which part of it
    engine: ScoringEngine,
    read_models: ReadModels,
    caller: Caller,
    scope: str,
    slug: str,
    limit: int,
    offset: int,
) -> list[DatasetEntryOut]:
    """A dataset's entries in key order; NotFound for an unknown scope or GLOBAL dataset."""
    kind, name = _scope(scope), path_value(slug)
    if kind == GLOBAL:
        base = engine.datasets()
        if name not in base.entries:
            raise NotFound("Dataset not found")
        keys = _global_keys(base, name)[offset : offset + limit]
        return [DatasetEntryOut(k, None, None, None) for k in keys]
    with read_models.current(SCORING) as conn:
        return [entry_out(r) for r in entries_of(conn, caller.customer_id, name, limit, offset)]


def set_entry(  # noqa: PLR0913 - which dataset, whose, the entry, and who logs it
    scoring: ScoringApplication,
    activity: RequestActivity,
    caller: Caller,
    scope: str,
    slug: str,
    key: str,
    value: str | None,
) -> DatasetEntryOut:
    """An entry of the team's own dataset, added or replaced and logged: the API's and the dashboard's way.
    PermissionDeniedException for a GLOBAL dataset; InvalidInput for what check_slug or check_entry refuses."""
    _writable(_scope(scope))
    entry = scoring.put_dataset_entry(caller.customer_id, path_value(slug), key, value)
    activity.note(Kind.DATASET_ENTRY_SET, path_value(slug), {"key": entry.key, "value": entry.value})
    return entry_out(
        {
            "key": entry.key,
            "value": entry.value,
            "created_at": to_micros(entry.created_on),
            "updated_at": to_micros(entry.modified_on),
        }
    )


def remove_entry(
    scoring: ScoringApplication, activity: RequestActivity, caller: Caller, scope: str, slug: str, key: str
) -> None:
    """Remove an entry of the team's own dataset, logged; PermissionDeniedException for a GLOBAL dataset,
    NotFound where the team's dataset holds no such key."""
    _writable(_scope(scope))
    try:
        name = check_slug(path_value(slug))
    except InvalidInput:
        raise NotFound("Dataset entry not found") from None
    if not scoring.remove_dataset_entry(caller.customer_id, name, path_value(key)):
        raise NotFound("Dataset entry not found")
    activity.note(Kind.DATASET_ENTRY_REMOVED, name, {"key": path_value(key)})


class DatasetController(TeamController):
    path = "/api/datasets"

    @get(sync_to_thread=True, responses=responses(401, 403, 429))
    def list_datasets(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        engine: NamedDependency[ScoringEngine],
    ) -> list[DatasetOut]:
        """The GLOBAL datasets and the team's own CUSTOMER ones, which add to them."""
        return datasets_of(engine, read_models, caller)

    @get("/{dataset_scope:str}/{slug:str}/entries", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def list_entries(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        engine: NamedDependency[ScoringEngine],
        dataset_scope: Annotated[str, SCOPE],
        slug: FromPath[str],
        limit: Annotated[int, QueryParameter(name="limit", ge=1, le=MAX_ENTRIES, description="entries per call")] = (
            DEFAULT_ENTRIES
        ),
        offset: Annotated[
            int, QueryParameter(name="offset", ge=0, le=MAX_PAGE_NUMBER, description="entries skipped")
        ] = 0,
    ) -> list[DatasetEntryOut]:
        """A dataset's entries in key order."""
        return entries_in(engine, read_models, caller, dataset_scope, slug, limit, offset)

    @put(
        "/{dataset_scope:str}/{slug:str}/entries",
        sync_to_thread=True,
        responses=responses(400, 401, 403, 404, 429),
    )
    def put_entry(
        self,
        caller: NamedDependency[Caller],
        scoring: NamedDependency[ScoringApplication],
        activity: NamedDependency[RequestActivity],
        dataset_scope: Annotated[str, SCOPE],
        slug: Annotated[str, WRITABLE_SLUG],
        data: JSONBody[DatasetEntryIn],
    ) -> DatasetEntryOut:
        """Add or replace an entry of one of the team's own (CUSTOMER) datasets."""
        return set_entry(scoring, activity, caller, dataset_scope, slug, data.key, data.value)

    @delete(
        "/{dataset_scope:str}/{slug:str}/entries/{key:str}",
        status_code=204,
        sync_to_thread=True,
        responses=responses(400, 401, 403, 404, 429),
    )
    def delete_entry(
        self,
        caller: NamedDependency[Caller],
        scoring: NamedDependency[ScoringApplication],
        activity: NamedDependency[RequestActivity],
        dataset_scope: Annotated[str, SCOPE],
        slug: FromPath[str],
        key: FromPath[str],
    ) -> None:
        """Remove an entry of one of the team's own (CUSTOMER) datasets."""
        remove_entry(scoring, activity, caller, dataset_scope, slug, key)
