"""The Litestar app factory: one router per context (api/<context>/router.py), each with its
controllers, guards and dependencies."""

import logging
from importlib import metadata
from typing import Any

from litestar import Litestar
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from adapters.bootstrap import build_container
from adapters.settings import Settings, load_settings
from api.accounts import router as accounts
from api.cors import BrowserOrigins
from api.dependencies import COMMON
from api.edge import Edge
from api.errors import EXCEPTION_HANDLERS
from api.http import StrictRequest
from api.scoring import router as scoring
from api.system import router as system
from api.system.openapi import openapi_config
from api.tracking import router as tracking

VERSION = metadata.version("dregs-server")
ROUTERS = [system.router, accounts.router, tracking.router, scoring.router]


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

    return Litestar(
        route_handlers=ROUTERS,
        dependencies=COMMON,
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[start],
        on_shutdown=[stop],
        request_max_body_size=1024 * 1024,
        openapi_config=openapi_config(VERSION),
        request_class=StrictRequest,
        logging_config=None,
    )


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
