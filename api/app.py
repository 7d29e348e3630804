"""The Litestar app factory: one router per context (api/<context>/router.py), each with its
controllers, guards and dependencies."""

import hashlib
import hmac
import logging
from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.routes import HTTPRoute
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from adapters.bootstrap import build_container
from adapters.settings import Settings, load_settings
from api.access import authorized
from api.accounts import router as accounts
from api.alerting import router as alerting
from api.audit import router as audit
from api.cors import BrowserOrigins
from api.dashboard import router as dashboard
from api.dashboard.templates import CONFIG as TEMPLATES
from api.dependencies import COMMON
from api.edge import Edge
from api.errors import EXCEPTION_HANDLERS
from api.http import StrictRequest
from api.openapi_schemas import DocumentedStructs
from api.scoring import router as scoring
from api.system import router as system
from api.system.openapi import openapi_config
from api.system.pages import VERSION
from api.team import router as team
from api.tracking import router as tracking

ROUTERS = [
    system.router,
    accounts.router,
    team.router,
    tracking.router,
    scoring.router,
    alerting.router,
    audit.router,
    dashboard.api,
    dashboard.pages,
    dashboard.static,
]


def _allow_every_method(app: Litestar) -> None:
    """Litestar makes a path's OPTIONS handler when the path's first handler is registered, and it answers
    `Allow` with the methods known then: GET /api/devices/{fingerprint}'s OPTIONS left out PATCH. Each is
    pointed at its finished route, so `Allow` lists every method the path serves."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "OPTIONS" not in route.route_handler_map:
            continue
        handler = route.route_handler_map["OPTIONS"][0]
        for cell in handler.fn.__closure__ or ():
            if isinstance(cell.cell_contents, HTTPRoute):
                cell.cell_contents = route


def csrf_config(settings: Settings) -> CSRFConfig:
    """The dashboard's forms carry a token its cookie must match (double submit). The API is outside it: its
    callers send a bearer token, which no other site can make a browser send."""
    return CSRFConfig(
        secret=hmac.new(settings.jwt_secret.encode(), b"dashboard csrf", hashlib.sha256).hexdigest(),
        cookie_name="dregs_csrf",
        cookie_samesite="strict",
        cookie_secure=settings.base_url.startswith("https://"),
        header_name="x-csrftoken",
        exclude=[r"^/api(/|$)"],
    )


def create_litestar(settings: Settings, *, run_projections: bool = True) -> Litestar:
    def start(app: Litestar) -> None:
        container = build_container(settings)
        container.start(run_projections=run_projections)
        app.state.container = container
        app.state.browser_origins = BrowserOrigins()
        container.devices.warm_up()

    def stop(app: Litestar) -> None:
        container = getattr(app.state, "container", None)
        if container is not None:
            container.close()

    app = Litestar(
        route_handlers=ROUTERS,
        guards=[authorized],
        dependencies=COMMON,
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[start],
        on_shutdown=[stop],
        request_max_body_size=1024 * 1024,
        openapi_config=openapi_config(VERSION),
        request_class=StrictRequest,
        plugins=[DocumentedStructs()],
        logging_config=None,
        template_config=TEMPLATES,
        csrf_config=csrf_config(settings),
    )
    _allow_every_method(app)
    return app


def create_app(settings: Settings | None = None, *, run_projections: bool = True) -> Any:
    """The ASGI app uvicorn serves: Litestar inside the edge layer."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = settings or load_settings()
    app = Edge(create_litestar(settings, run_projections=run_projections))
    if settings.trusted_proxies:
        # uvicorn's own middleware: the client is the rightmost X-Forwarded-For hop no listed proxy added.
        return ProxyHeadersMiddleware(app, trusted_hosts=list(settings.trusted_proxies))
    return app


def create_app_without_runners() -> Any:
    """For `web` processes in production, where `dregs run projections` follows the logs."""
    return create_app(run_projections=False)
