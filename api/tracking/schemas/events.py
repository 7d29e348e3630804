from typing import Any

import msgspec

from api.schemas import GroupReference, Reference, api_path
from api.time import format_time


class IdentityIn(msgspec.Struct):
    id: str | int
    data: dict[str, Any] | None = None


class GroupIn(msgspec.Struct):
    id: str | int
    type: str | None = None
    data: dict[str, Any] | None = None


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


class TrackOut(msgspec.Struct):
    status: str
    id: str | None
    fingerprint: str | None


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
