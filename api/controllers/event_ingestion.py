"""POST /api/events: validate, build the TrackedEvent, and answer once its batch is committed."""

import asyncio
from datetime import UTC, datetime
from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency, Provide

from api.auth import Caller, any_caller, limit_key
from api.http import container_of, decode_body
from api.rate_limits import enforce
from api.schemas.events import TrackIn, TrackOut
from api.time import parse_time
from domain.errors import InvalidInput
from domain.tracking.event_request import EventInput, GroupInput, build_tracked_event
from domain.tracking.limits import MAX_BODY_BYTES

COMMIT_TIMEOUT = 10.0


def _event_input(body: TrackIn) -> EventInput:
    timestamp = None
    if body.timestamp is not None:
        try:
            timestamp = parse_time(body.timestamp)
        except (ValueError, OverflowError):
            raise InvalidInput("timestamp must be an ISO-8601 date and time, e.g. 2026-09-21T14:22:09Z") from None
    identity = body.identity
    return EventInput(
        type=body.type,
        id=body.id,
        data=body.data or {},
        identity_id=str(identity.id) if identity is not None else None,
        identity_data=(identity.data or {}) if identity is not None else {},
        groups=tuple(GroupInput(g.type, str(g.id), g.data or {}) for g in body.groups or ()),
        source=body.source,
        timestamp=timestamp,
    )


@post(
    "/api/events",
    status_code=200,
    dependencies={"sender": Provide(any_caller)},
    request_max_body_size=MAX_BODY_BYTES,
)
async def track_event(request: Request[Any, Any, Any], sender: NamedDependency[Caller]) -> TrackOut:
    container = container_of(request)
    await enforce(request, "ingest", limit_key(sender), "Too many events; retry after the time in Retry-After")
    body = decode_body(await request.body(), TrackIn)
    event = build_tracked_event(
        sender.customer_id,
        _event_input(body),
        now=datetime.now(UTC),
        credential_id=sender.credential_id,
        identity_required=sender.kind != "public_key",
    )
    assert container.ingestion is not None
    async with asyncio.timeout(COMMIT_TIMEOUT):
        committed = await container.ingestion.commit(event)
    return TrackOut(status="success", id=committed.event_id, fingerprint=None)
