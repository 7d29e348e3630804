"""The Litestar app factory."""

import logging
from typing import Any

from litestar import Litestar
from litestar.di import Provide
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from adapters.bootstrap import start_container
from adapters.settings import Settings, load_settings
from api.auth import caller, dashboard_user
from api.controllers import (
    accounts,
    credentials,
    datasets,
    devices,
    event_ingestion,
    events,
    groups,
    health,
    identities,
    identity_analysis,
    mappings,
    tracker_script,
)
from api.cors import BrowserOrigins
from api.edge import Edge
from api.errors import EXCEPTION_HANDLERS

HANDLERS = [
    health.health_handler,
    accounts.signup_handler,
    accounts.login_handler,
    accounts.account_handler,
    accounts.change_password_handler,
    credentials.issue_credential_handler,
    credentials.list_credentials_handler,
    credentials.patch_credential_handler,
    credentials.revoke_credential_handler,
    # Before any other handler of /api/events, or Litestar adds its own OPTIONS handler there first.
    event_ingestion.track_event_preflight,
    event_ingestion.track_event,
    events.list_events_handler,
    events.get_event_handler,
    identities.list_identities_handler,
    identities.get_identity_handler,
    identities.patch_identity_handler,
    identities.identity_scores_handler,
    identity_analysis.latest_analysis_handler,
    identity_analysis.analysis_handler,
    identity_analysis.history_handler,
    identity_analysis.links_handler,
    identity_analysis.analyze_handler,
    identity_analysis.reviews_handler,
    identity_analysis.review_handler,
    mappings.list_mappings_handler,
    mappings.put_mapping_handler,
    mappings.delete_mapping_handler,
    datasets.list_datasets_handler,
    datasets.list_entries_handler,
    datasets.put_entry_handler,
    datasets.delete_entry_handler,
    groups.list_groups_handler,
    groups.create_group_handler,
    groups.get_group_handler,
    groups.patch_group_handler,
    groups.add_member_handler,
    groups.remove_member_handler,
    devices.list_devices_handler,
    devices.get_device_handler,
    devices.patch_device_handler,
    tracker_script.tracker_script_handler,
]


def create_litestar(settings: Settings, *, run_projections: bool = True) -> Litestar:
    def start(app: Litestar) -> None:
        container = start_container(settings, redis_needed=True)
        container.start(run_projections=run_projections)
        app.state.container = container
        app.state.browser_origins = BrowserOrigins()
        container.devices.warm_up()

    def stop(app: Litestar) -> None:
        container = getattr(app.state, "container", None)
        if container is not None:
            container.close()

    return Litestar(
        route_handlers=HANDLERS,
        dependencies={
            "caller": Provide(caller),
            "user": Provide(dashboard_user),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[start],
        on_shutdown=[stop],
        request_max_body_size=1024 * 1024,
        openapi_config=None,
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
