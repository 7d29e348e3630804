"""Datasets (manual §17): GLOBAL lists Dregs maintains and the team's own CUSTOMER ones."""

from typing import Any

import msgspec

from api.schemas import name, text
from api.time import format_time
from domain.scoring.dataset_entry import MAX_KEY, MAX_VALUE


class DatasetOut(msgspec.Struct, rename="camel"):
    scope: str
    slug: str
    entry_count: int
    version: str | None
    updated_at: str | None


class DatasetEntryIn(msgspec.Struct, forbid_unknown_fields=True):
    key: name(MAX_KEY)  # type: ignore[valid-type]
    value: text(MAX_VALUE) | None = None  # type: ignore[valid-type]


class DatasetEntryOut(msgspec.Struct, rename="camel"):
    key: str
    value: str | None
    created_at: str | None
    updated_at: str | None


def entry_out(row: dict[str, Any]) -> DatasetEntryOut:
    return DatasetEntryOut(row["key"], row["value"], format_time(row["created_at"]), format_time(row["updated_at"]))
