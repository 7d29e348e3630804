from typing import Any, ClassVar

import msgspec

from api.time import format_time


class BadgeOut(msgspec.Struct):
    slug: str
    name: str
    type: str | None
    explanation: str | None
    metadata: dict[str, Any]


class IdentitySummaryOut(msgspec.Struct, rename="camel"):
    """An identity in a list: everything but its attributes."""

    id: str
    display_name: str | None
    display_email: str | None
    display_username: str | None
    humanity_score: int | None
    authenticity_score: int | None
    uniqueness_score: int | None
    behavior_score: int | None
    created_at: str | None
    updated_at: str | None
    last_tracked_at: str | None
    last_scored_at: str | None
    disregarded: bool
    erased_at: str | None  # when its personal data was erased (DELETE /api/identities/{id}); null if never
    badges: list[BadgeOut]


class IdentityOut(IdentitySummaryOut, rename="camel"):
    data: dict[str, Any]


class IdentityPatchIn(msgspec.Struct, forbid_unknown_fields=True):
    disregarded: bool | msgspec.UnsetType = msgspec.UNSET
    attributes: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    __attributes__: ClassVar = ("attributes",)
    __schema__: ClassVar = {"min_properties": 1}  # disregarded, attributes, or both


def _badges(rows: list[dict[str, Any]]) -> list[BadgeOut]:
    return [BadgeOut(r["slug"], r["name"], r["type"], r["explanation"], r["metadata"] or {}) for r in rows]


def _summary_fields(row: dict[str, Any], badges: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row["identity_id"],
        "display_name": row["display_name"],
        "display_email": row["display_email"],
        "display_username": row["display_username"],
        "humanity_score": row["humanity_score"],
        "authenticity_score": row["authenticity_score"],
        "uniqueness_score": row["uniqueness_score"],
        "behavior_score": row["behavior_score"],
        "created_at": format_time(row["created_at"]),
        "updated_at": format_time(row["updated_at"]),
        "last_tracked_at": format_time(row["last_tracked_at"]),
        "last_scored_at": format_time(row["last_scored_at"]),
        "disregarded": bool(row["disregarded"]),
        "erased_at": format_time(row.get("erased_at")),
        "badges": _badges(badges),
    }


def identity_summary_out(row: dict[str, Any], badges: list[dict[str, Any]]) -> IdentitySummaryOut:
    return IdentitySummaryOut(**_summary_fields(row, badges))


def identity_out(row: dict[str, Any], badges: list[dict[str, Any]]) -> IdentityOut:
    return IdentityOut(**_summary_fields(row, badges), data=row["attributes"] or {})
