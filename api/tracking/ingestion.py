"""POST /api/events: the guard authenticates and counts the request; the handler checks a browser
key's origin, then decodes the body; the use case (application/tracking/ingestion.py) decides what
is recorded and answers once it is committed."""

from typing import Any

from litestar import Controller, Request, Response, post, route
from litestar.di import NamedDependency
from litestar.enums import HttpMethod

from api.auth import Caller
from api.cors import BrowserOrigins, allow_headers, preflight_headers, request_origin
from api.guards import event_sender
from api.http import decode_body
from api.time import parse_time
from api.tracking.schemas.events import TrackIn, TrackOut
from application.tracking.ingestion import Ingestion, Sender
from domain.errors import InvalidInput
from domain.tracking.event_request import EventInput, GroupInput
from domain.tracking.limits import MAX_BODY_BYTES
from projections.read_models import ReadModels


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


class EventIngestionController(Controller):
    path = "/api/events"

    # Before any other handler of /api/events, or Litestar adds its own OPTIONS handler there first.
    @route(http_method=[HttpMethod.OPTIONS], status_code=204)
    async def preflight(
        self,
        request: Request[Any, Any, Any],
        browser_origins: NamedDependency[BrowserOrigins],
        read_models: NamedDependency[ReadModels],
    ) -> Response[None]:
        """Answered only for origins a usable browser key allows; others get no CORS headers."""
        origin = request_origin(request)
        if origin is None or not await browser_origins.allows(read_models, origin):
            return Response(None, status_code=204)
        return Response(None, status_code=204, headers=preflight_headers(origin))

    @post(status_code=200, guards=[event_sender], request_max_body_size=MAX_BODY_BYTES)
    async def track(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], ingestion: NamedDependency[Ingestion]
    ) -> Response[TrackOut]:
        browser = caller.kind == "public_key"
        who = Sender(caller.customer_id, caller.credential_id, caller.origins if browser else None)
        origin = request_origin(request) if browser else None
        if not Ingestion.accepts(who, origin):
            return Response(TrackOut(status="success", id=None, fingerprint=None))  # before reading the body
        body = decode_body(await request.body(), TrackIn)
        recorded = await ingestion.record(
            who, origin, _event_input(body), body.device, request.client.host if request.client else None
        )
        headers = allow_headers(origin) if origin is not None else {}
        return Response(
            TrackOut(status="success", id=recorded.event_id, fingerprint=recorded.fingerprint), headers=headers
        )
