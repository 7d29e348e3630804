"""POST /api/events: validate, build the TrackedEvent, and answer once its batch is committed.

A browser key's event is recorded only from an origin the key allows, and only with a well-formed
device report; otherwise it is quietly not recorded (`id: null`), as the manual describes, so a
page never learns more than that its event was not kept."""

import asyncio
from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response, post, route
from litestar.di import NamedDependency, Provide
from litestar.enums import HttpMethod

from adapters.bootstrap import Container
from api.auth import Caller, any_caller, limit_key
from api.cors import BrowserOrigins, allow_headers, preflight_headers, request_origin
from api.http import container_of, decode_body
from api.rate_limits import enforce
from api.schemas.device_report import read_report, record_of
from api.schemas.events import TrackIn, TrackOut
from api.time import parse_time
from domain.errors import InvalidInput
from domain.tracking.event_request import EventInput, GroupInput, build_tracked_event
from domain.tracking.limits import MAX_BODY_BYTES

NOT_RECORDED = TrackOut(status="success", id=None, fingerprint=None)

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


def _device(container: Container, raw: Any, ip: str | None) -> dict[str, Any] | None:
    """What the server makes of a tracker's device report; None if the report is malformed."""
    report = read_report(raw)
    return record_of(report, ip, container.devices) if report is not None else None


@post(
    "/api/events",
    status_code=200,
    dependencies={"sender": Provide(any_caller)},
    request_max_body_size=MAX_BODY_BYTES,
)
async def track_event(request: Request[Any, Any, Any], sender: NamedDependency[Caller]) -> Response[TrackOut]:
    container = container_of(request)
    await enforce(request, "ingest", limit_key(sender), "Too many events; retry after the time in Retry-After")
    browser = sender.kind == "public_key"
    origin = request_origin(request) if browser else None
    if browser and (origin is None or origin not in sender.origins):
        return Response(NOT_RECORDED)
    body = decode_body(await request.body(), TrackIn)
    headers = allow_headers(origin) if origin is not None else {}
    device = None
    if browser and body.device is not None:
        device = _device(container, body.device, request.client.host if request.client else None)
        if device is None:
            return Response(NOT_RECORDED, headers=headers)
    event = build_tracked_event(
        sender.customer_id,
        _event_input(body),
        now=datetime.now(UTC),
        credential_id=sender.credential_id,
        identity_required=not browser,
        device=device,
    )
    assert container.ingestion is not None
    async with asyncio.timeout(COMMIT_TIMEOUT):
        committed = await container.ingestion.commit(event)
    fingerprint = device["fingerprint"] if device is not None else None
    return Response(TrackOut(status="success", id=committed.event_id, fingerprint=fingerprint), headers=headers)


@route("/api/events", http_method=[HttpMethod.OPTIONS], status_code=204)
async def track_event_preflight(request: Request[Any, Any, Any]) -> Response[None]:
    """Answered only for origins a usable browser key allows; others get no CORS headers."""
    origin = request_origin(request)
    origins: BrowserOrigins = request.app.state.browser_origins
    if origin is None or not await origins.allows(container_of(request), origin):
        return Response(None, status_code=204)
    return Response(None, status_code=204, headers=preflight_headers(origin))
