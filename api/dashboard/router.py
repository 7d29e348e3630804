from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

from api.dashboard.pages.activity import ActivityPages
from api.dashboard.pages.channels import ChannelPages
from api.dashboard.pages.datasets import DatasetPages
from api.dashboard.pages.escalations import EscalationPages
from api.dashboard.pages.home import HomePage
from api.dashboard.pages.identities import IdentityPages
from api.dashboard.pages.links import LinkPages
from api.dashboard.pages.mappings import MappingPages
from api.dashboard.pages.rules import RulePages
from api.dashboard.pages.session import SessionPages
from api.dashboard.pages.settings import SettingsPages
from api.dashboard.stats import StatsController
from api.dashboard.templates import STATIC, viewer
from api.dependencies import accounts, alerting, provide, tracking

# The vendored files' names carry their versions, and the pages ask for their own with ?v=<release>: a year's
# cache is safe.
static = create_static_files_router(
    path="/static",
    directories=[STATIC],
    cache_control=CacheControlHeader(max_age=365 * 86_400, public=True),
    include_in_schema=False,
)

pages = Router(
    path="/",
    tags=["Dashboard"],
    dependencies=provide(accounts=accounts, tracking=tracking, alerting=alerting, viewer=viewer),
    route_handlers=[
        SessionPages,
        LinkPages,
        HomePage,
        IdentityPages,
        ActivityPages,
        EscalationPages,
        SettingsPages,
        RulePages,
        ChannelPages,
        MappingPages,
        DatasetPages,
    ],
)

api = Router(path="/", tags=["Dashboard"], route_handlers=[StatsController])
