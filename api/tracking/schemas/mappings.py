"""Mappings (manual §17): GLOBAL defaults and the team's CUSTOMER overrides."""

from typing import Any, ClassVar

import msgspec
from litestar.openapi.spec import OpenAPIType, Schema

from api.http import any_case
from api.schemas import text
from api.time import format_time
from domain.tracking.mappings import (
    EVENT_TYPE,
    EVENT_TYPES,
    IDENTITY_FIELD,
    IDENTITY_FIELDS,
    MAX_DESCRIPTION,
    MAX_SOURCE,
)

# A source holds a letter or digit; kind and target are compared in any case.
SOURCE = r"^[^\x00]*[^\W_][^\x00]*$"
_KINDS = {EVENT_TYPE: EVENT_TYPES, IDENTITY_FIELD: IDENTITY_FIELDS}
KIND = any_case(*_KINDS)
TARGET = any_case(*sorted(EVENT_TYPES | IDENTITY_FIELDS))


class MappingIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: text(32, pattern=KIND)  # type: ignore[valid-type]
    source: text(MAX_SOURCE, min_length=1, pattern=SOURCE)  # type: ignore[valid-type]
    target: text(64, pattern=TARGET)  # type: ignore[valid-type]
    description: text(MAX_DESCRIPTION) | None = None  # type: ignore[valid-type]
    # Which targets a kind takes (kind and target in any case, as check_mapping compares them).
    __schema__: ClassVar = {
        "one_of": [
            Schema(
                properties={
                    "kind": Schema(type=OpenAPIType.STRING, pattern=any_case(kind)),
                    "target": Schema(type=OpenAPIType.STRING, pattern=any_case(*sorted(targets))),
                }
            )
            for kind, targets in _KINDS.items()
        ]
    }


class MappingOut(msgspec.Struct, rename="camel"):
    id: str
    kind: str
    scope: str
    source: str
    target: str
    description: str | None
    created_at: str | None
    updated_at: str | None


def customer_mapping_out(row: dict[str, Any]) -> MappingOut:
    return MappingOut(
        id=str(row["mapping_id"]),
        kind=row["kind"],
        scope="CUSTOMER",
        source=row["source"],
        target=row["target"],
        description=row["description"],
        created_at=format_time(row["created_at"]),
        updated_at=format_time(row["updated_at"]),
    )
