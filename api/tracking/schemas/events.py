from typing import Annotated, Any, ClassVar

import msgspec

from api.http import NO_NUL
from api.schemas import NOT_BLANK, GroupReference, Reference, api_path
from api.time import format_time
from api.tracking.schemas.identities import BadgeOut
from domain.tracking import limits

# The rules domain/tracking/limits.py checks, as the API document states them (api/openapi_schemas.py).
ID = {"min_length": 1, "max_length": limits.MAX_IDENTITY_ID, "pattern": NO_NUL}
# A group type is normalized to lower_snake_case (ParentCompany → parent_company) and must keep a letter or digit;
# at most 32 characters, so the normalized type always fits its 64.
# Empty or none: organization.
GROUP_TYPE = {"max_length": limits.MAX_GROUP_TYPE // 2, "pattern": r"^$|^[^\x00]*[A-Za-z0-9][^\x00]*$"}


class IdentityIn(msgspec.Struct):
    id: str | int
    data: dict[str, Any] | None = None
    __attributes__: ClassVar = ("data",)
    __field_schema__: ClassVar = {"id": ID}


GroupType = Annotated[str, msgspec.Meta(max_length=limits.MAX_GROUP_TYPE // 2)]


class GroupIn(msgspec.Struct):
    id: str | int
    type: GroupType | None = None
    data: dict[str, Any] | None = None
    __attributes__: ClassVar = ("data",)
    __field_schema__: ClassVar = {"id": {**ID, "max_length": limits.MAX_GROUP_ID}, "type": GROUP_TYPE}


class TrackIn(msgspec.Struct):
    type: str
    id: str | None = None
    data: dict[str, Any] | None = None
    identity: IdentityIn | None = None
    source: str | None = None
    groups: list[GroupIn] | None = None
    timestamp: str | None = None
    device: Any = (
        None  # dregs.js's device report: read by application/tracking/device_report.py, from browser keys only
    )
    __attributes__: ClassVar = ("data",)
    __required__: ClassVar = ("identity",)
    __field_schema__: ClassVar = {
        "type": {"min_length": 1, "max_length": limits.MAX_EVENT_TYPE, "pattern": NOT_BLANK},
        "id": {
            "max_length": limits.MAX_EVENT_ID,
            "pattern": r"^(?!dregs-)[^\x00]*$",
            "description": "The event's own id: a retry with the same id is answered with the original. "
            "`dregs-` is reserved for ids the server makes; none or empty: the server makes one.",
        },
        "identity": {
            "description": "Required for a server key or a session; a browser key's event may carry only a device."
        },
        "source": {"max_length": limits.MAX_SOURCE, "pattern": NO_NUL},
        "groups": {
            "max_items": limits.MAX_GROUPS,
            "description": "The identity becomes a member of each; one group per type once types are normalized.",
        },
        "timestamp": {
            "format": "date-time",
            "description": "ISO-8601, e.g. 2026-09-21T14:22:09Z: from 2000-01-01 to 24 hours from now; "
            "none: when the event arrived.",
        },
        "device": {"description": "dregs.js's device report (docs/tracker-protocol.md); read from browser keys only."},
    }


class TrackOut(msgspec.Struct, rename="camel", omit_defaults=True):
    """With `?decide=true`, and when the decision came within its time limit, also the identity's scores
    (upper-case category → 0..100) and badges after a fresh cycle that included this event."""

    status: str
    id: str | None
    fingerprint: str | None
    cycle_id: int | None = None
    scores: dict[str, int] | None = None
    badges: list[BadgeOut] | None = None


class EventOut(msgspec.Struct, rename="camel"):
    id: str
    timestamp: str | None
    identity: Reference | None
    groups: list[GroupReference]
    fingerprint: str | None
    session: str | None
    ip: str | None
    url: str | None
    event_source: str | None
    event_name: str
    canonical_type: str | None
    event_data: dict[str, Any]


def event_out(
    row: dict[str, Any],
    identity_labels: dict[str, str | None],
    group_labels: dict[tuple[str, str], str | None],
) -> EventOut:
    identity = row["identity_id"]
    return EventOut(
        id=row["event_id"],
        timestamp=format_time(row["occurred_at"]),
        identity=(
            Reference(identity, identity_labels.get(identity), api_path("identities", identity))
            if identity is not None
            else None
        ),
        groups=[
            GroupReference(
                g["type"], g["id"], group_labels.get((g["type"], g["id"])), api_path("groups", g["type"], g["id"])
            )
            for g in row["groups"]
        ],
        fingerprint=row["fingerprint"],
        session=row["session"],
        ip=row["ip"],
        url=row["url"],
        event_source=row["source"],
        event_name=row["event_name"],
        canonical_type=row["canonical_type"],
        event_data=row["data"] or {},
    )
