"""Mappings (manual §17): GLOBAL defaults and the team's CUSTOMER overrides."""

from typing import Any

import msgspec

from api.time import format_time


class MappingIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: str
    source: str
    target: str
    description: str | None = None


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
