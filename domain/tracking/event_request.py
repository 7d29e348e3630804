"""Turning what a client sent into a valid TrackedEvent, or a clear reason why not."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from domain.errors import InvalidInput
from domain.tracking import limits
from domain.tracking.client_data import ClientData
from domain.tracking.group_types import DEFAULT_GROUP_TYPE
from domain.tracking.redaction import redact
from domain.tracking.tracked_event import TrackedEvent


@dataclass(frozen=True)
class GroupInput:
    type: str | None
    id: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EventInput:
    type: str
    id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    identity_id: str | None = None
    identity_data: dict[str, Any] = field(default_factory=dict)
    groups: tuple[GroupInput, ...] = ()
    source: str | None = None
    timestamp: datetime | None = None
    # The request waits for a decision about its identity (POST /api/events?decide=true, server keys).
    decide: bool = False


def server_event_id() -> str:
    return limits.RESERVED_EVENT_ID_PREFIX + uuid4().hex


def normalized_groups(groups: tuple[GroupInput, ...]) -> list[dict[str, Any]]:
    if len(groups) > limits.MAX_GROUPS:
        raise InvalidInput(f"an event may carry at most {limits.MAX_GROUPS} groups")
    seen: dict[str, str] = {}
    result = []
    for group in groups:
        raw_type = group.type or DEFAULT_GROUP_TYPE
        group_type = limits.checked_group_type(raw_type)
        limits.check_text("group id", group.id, limits.MAX_GROUP_ID)
        if group_type in seen:
            raise InvalidInput(
                f"at most one group per type: {seen[group_type]!r} and {raw_type!r} are both {group_type!r}"
            )
        seen[group_type] = raw_type
        limits.check_attributes(f"groups[{group_type}].data", group.data)
        result.append({"type": group_type, "id": group.id, "data": ClientData(redact(group.data))})
    return result


def build_tracked_event(
    customer_id: UUID,
    request: EventInput,
    *,
    now: datetime,
    credential_id: UUID | None,
    identity_required: bool,
    device: Mapping[str, Any] | None = None,
    client: Mapping[str, Any] | None = None,
) -> TrackedEvent:
    """`device` is what the server made of a browser event's tracker report (domain/devices/report.py);
    `client`, of the client a server-side event's data names (domain/devices/client.py)."""
    if not request.type.strip():
        raise InvalidInput("type is required")
    limits.check_text("type", request.type, limits.MAX_EVENT_TYPE)
    event_id = request.id or None
    if event_id is not None:
        limits.check_event_id(event_id)
    if request.identity_id is not None:
        limits.check_text("identity.id", request.identity_id, limits.MAX_IDENTITY_ID)
    if identity_required and request.identity_id is None:
        raise InvalidInput("identity.id is required for server-side events")
    if request.identity_id is None and device is None:
        raise InvalidInput("an event needs an identity.id or a device")
    if request.identity_id is None and request.identity_data:
        raise InvalidInput("identity.data needs an identity.id")
    if request.source:
        limits.check_text("source", request.source, limits.MAX_SOURCE)
    limits.check_attributes("data", request.data)
    limits.check_attributes("identity.data", request.identity_data)
    groups = normalized_groups(request.groups)
    if groups and request.identity_id is None:
        raise InvalidInput("groups need an identity to become a member")
    occurred_at = request.timestamp or now
    limits.check_timestamp(occurred_at, now)
    return TrackedEvent(
        customer_id=customer_id,
        event_id=event_id or server_event_id(),
        event_type=request.type,
        data=ClientData(redact(request.data)),
        identity_id=request.identity_id,
        identity_data=ClientData(redact(request.identity_data)),
        groups=groups,
        source=request.source or None,
        occurred_at=occurred_at,
        received_at=now,
        credential_id=credential_id,
        device=ClientData(device) if device is not None else None,
        decided_in_request=request.decide,
        client=ClientData(client) if client is not None else None,
    )
