"""POST /api/events: the guards authenticate and count the request and check a browser key's origin
before the body is read; the use case (application/tracking/ingestion.py) decides what is recorded
and answers once it is committed."""

import asyncio
from typing import Annotated, Any

from litestar import Controller, Request, Response, post, route
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.enums import HttpMethod
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, QueryParameter

from api.auth import Caller
from api.cors import BrowserOrigins, allow_headers, preflight_headers, request_origin
from api.dependencies import EventIntake
from api.errors import responses
from api.guards import event_sender
from api.system.openapi import PUBLIC_KEY, SECRET_KEY, SESSION
from api.time import parse_time
from api.tracking.schemas.events import TrackIn, TrackOut
from api.tracking.schemas.identities import BadgeOut
from application.alerting.decide_now import Decided
from application.tracking.ingestion import Ingestion, Sender
from domain.alerting.payloads import public_badge
from domain.errors import InvalidInput
from domain.tracking.event_request import EventInput, GroupInput
from domain.tracking.limits import MAX_BODY_BYTES
from projections.read_models import ReadModels

NOT_RECORDED = TrackOut(status="success", id=None, fingerprint=None)


class NotRecorded(Exception):
    """A browser key's event from an origin the key does not allow: answered as not recorded, unread."""


def not_recorded(_: Request[Any, Any, Any], __: NotRecorded) -> Response[TrackOut]:
    return Response(NOT_RECORDED, status_code=200)


def _sender(caller: Caller) -> Sender:
    return Sender(caller.customer_id, caller.credential_id, caller.origins if caller.kind == "public_key" else None)


async def sender_from_allowed_origin(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Who may send events, checked by the app's one guard (api/access.py): Litestar copies the route handler
    for each guard of each request, and this is the hottest route."""
    await event_sender(connection)
    caller: Caller = connection.user
    if caller.kind == "public_key" and not Ingestion.accepts(_sender(caller), request_origin(connection)):
        raise NotRecorded


def _event_input(body: TrackIn, *, decide: bool) -> EventInput:
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
        decide=decide,
    )


class EventIngestionController(Controller):
    path = "/api/events"
    exception_handlers = {NotRecorded: not_recorded}  # noqa: RUF012

    # Before any other handler of /api/events, or Litestar adds its own OPTIONS handler there first.
    @route(
        http_method=[HttpMethod.OPTIONS],
        status_code=204,
        summary="CORS preflight for dregs.js",
        responses={204: ResponseSpec(None, description="No body; CORS headers for an allowed origin")},
    )
    async def preflight(
        self,
        request: Request[Any, Any, Any],
        browser_origins: NamedDependency[BrowserOrigins],
        read_models: NamedDependency[ReadModels],
    ) -> Response[None]:
        """Answered with CORS headers only for origins a usable browser key allows; others get none."""
        origin = request_origin(request)
        if origin is None or not await browser_origins.allows(read_models, origin):
            return Response(None, status_code=204)
        return Response(None, status_code=204, headers=preflight_headers(origin))

    @post(
        status_code=200,
        request_max_body_size=MAX_BODY_BYTES,
        security=[{SECRET_KEY: []}, {PUBLIC_KEY: []}, {SESSION: []}],
        responses=responses(400, 401, 402, 429),
    )
    async def track(
        self,
        request: Request[Any, Any, Any],
        event_intake: NamedDependency[EventIntake],
        data: JSONBody[TrackIn],
        decide: Annotated[
            bool,
            QueryParameter(
                name="decide",
                description="Also run a fresh cycle for the event's identity and answer with its scores and "
                "badges (server keys; within DREGS_DECIDE_TIMEOUT_MS, else answered without them)",
            ),
        ] = False,
    ) -> Response[TrackOut]:
        """Record one event, idempotently on its `id`; answered once it is committed. A browser key's event
        is recorded only from an origin the key allows and with a well-formed `device` report, otherwise
        the answer is `{"status": "success", "id": null}`. Past the team's monthly events, or an event of a new
        identity at the team's identities limit: 402, nothing stored."""
        who = _sender(event_intake.caller)
        origin = request_origin(request) if who.is_browser else None
        event = _event_input(data, decide=decide and not who.is_browser)
        recorded = await event_intake.ingestion.record(
            who, origin, event, data.device, request.client.host if request.client else None
        )
        headers = allow_headers(origin) if origin is not None else {}
        answer = TrackOut(status="success", id=recorded.event_id, fingerprint=recorded.fingerprint)
        if decide and not who.is_browser and recorded.event_id and event.identity_id and recorded.position:
            decided = await _decide(event_intake, event.identity_id, recorded.position)
            if decided is not None:
                answer.cycle_id = decided.cycle_id
                answer.scores = decided.scores
                answer.badges = [BadgeOut(**public_badge(b)) for b in decided.badges]
        return Response(answer, headers=headers)


async def _decide(intake: EventIntake, identity: str, position: int) -> Decided | None:
    # The work goes on if the answer stops waiting for it: it is recorded like any other cycle.
    decide = intake.decide_now.decide
    work = asyncio.ensure_future(asyncio.to_thread(decide, intake.caller.customer_id, identity, position))
    try:
        return await asyncio.wait_for(asyncio.shield(work), intake.decide_timeout_seconds)
    except TimeoutError:
        return None
