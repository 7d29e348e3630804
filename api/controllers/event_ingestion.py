"""POST /api/events: authenticate, count against the rate limit, decode; the use case
(application/tracking/ingestion.py) decides what is recorded and answers once it is committed."""

from typing import Any

from litestar import Request, Response, post, route
from litestar.di import NamedDependency, Provide
from litestar.enums import HttpMethod

from api.auth import Caller, any_caller, limit_key
from api.cors import BrowserOrigins, allow_headers, preflight_headers, request_origin
from api.http import container_of, decode_body
from api.rate_limits import enforce
from api.schemas.events import TrackIn, TrackOut
from api.time import parse_time
from application.tracking.ingestion import Ingestion, Sender
from domain.errors import InvalidInput
from domain.tracking.event_request import EventInput, GroupInput
from domain.tracking.limits import MAX_BODY_BYTES


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
async def track_event(request: Request[Any, Any, Any], sender: NamedDependency[Caller]) -> Response[TrackOut]:
    container = container_of(request)
    await enforce(request, "ingest", limit_key(sender), "Too many events; retry after the time in Retry-After")
    browser = sender.kind == "public_key"
    who = Sender(sender.customer_id, sender.credential_id, sender.origins if browser else None)
    origin = request_origin(request) if browser else None
    if not Ingestion.accepts(who, origin):
        return Response(TrackOut(status="success", id=None, fingerprint=None))  # before reading the body
    body = decode_body(await request.body(), TrackIn)
    assert container.ingestion is not None
    recorded = await container.ingestion.record(
        who, origin, _event_input(body), body.device, request.client.host if request.client else None
    )
    headers = allow_headers(origin) if origin is not None else {}
    return Response(TrackOut(status="success", id=recorded.event_id, fingerprint=recorded.fingerprint), headers=headers)


@route("/api/events", http_method=[HttpMethod.OPTIONS], status_code=204)
async def track_event_preflight(request: Request[Any, Any, Any]) -> Response[None]:
    """Answered only for origins a usable browser key allows; others get no CORS headers."""
    origin = request_origin(request)
    origins: BrowserOrigins = request.app.state.browser_origins
    if origin is None or not await origins.allows(container_of(request), origin):
        return Response(None, status_code=204)
    return Response(None, status_code=204, headers=preflight_headers(origin))
