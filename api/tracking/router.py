from litestar import Router

from api.dependencies import browser_origins, event_intake, provide, tracking
from api.tracking.devices import DeviceController
from api.tracking.events import EventController
from api.tracking.groups import GroupController
from api.tracking.identities import IdentityController
from api.tracking.ingestion import EventIngestionController
from api.tracking.mappings import MappingController
from api.tracking.tracker_script import tracker_script

# One router: POST/OPTIONS and GET /api/events must form one route (two would each get an OPTIONS handler).
router = Router(
    path="/",
    tags=["Tracking"],
    dependencies=provide(tracking=tracking, event_intake=event_intake, browser_origins=browser_origins),
    route_handlers=[
        EventIngestionController,
        EventController,
        IdentityController,
        GroupController,
        DeviceController,
        MappingController,
        tracker_script,
    ],
)
