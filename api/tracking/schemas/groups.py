from typing import Any, ClassVar

import msgspec

from api.time import format_time
from api.tracking.schemas.events import GROUP_TYPE, ID, GroupType
from domain.tracking import limits


class GroupSummaryOut(msgspec.Struct, rename="camel"):
    """A group in a list: everything but its attributes."""

    type: str
    id: str
    display_name: str | None
    identity_count: int
    created_at: str | None
    updated_at: str | None
    last_tracked_at: str | None


class GroupOut(GroupSummaryOut, rename="camel"):
    data: dict[str, Any]


class GroupCreateIn(msgspec.Struct):
    id: str | int
    type: GroupType | None = None
    attributes: dict[str, Any] | None = None
    __attributes__: ClassVar = ("attributes",)
    __field_schema__: ClassVar = {"id": {**ID, "max_length": limits.MAX_GROUP_ID}, "type": GROUP_TYPE}


class GroupPatchIn(msgspec.Struct, forbid_unknown_fields=True):
    attributes: dict[str, Any]
    __attributes__: ClassVar = ("attributes",)


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": row["group_type"],
        "id": row["group_id"],
        "display_name": row["display_name"],
        "identity_count": row["identity_count"],
        "created_at": format_time(row["created_at"]),
        "updated_at": format_time(row["updated_at"]),
        "last_tracked_at": format_time(row["last_tracked_at"]),
    }


def group_summary_out(row: dict[str, Any]) -> GroupSummaryOut:
    return GroupSummaryOut(**_fields(row))


def group_out(row: dict[str, Any]) -> GroupOut:
    return GroupOut(**_fields(row), data=row["attributes"] or {})
