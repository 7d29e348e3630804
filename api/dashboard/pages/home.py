"""The home page: the team at a glance (manual §10): four counts of the last 24 hours, how the scores spread
over a chosen window, the recently active identities, open escalations by severity, and the rules at work."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from adapters.settings import Settings
from api.auth import Caller
from api.dashboard.stats import BUCKET_NAMES, Window
from api.dashboard.templates import Viewer, page, script_json
from projections.accounts.queries.credentials import list_credentials
from projections.dashboard.queries import stats
from projections.paging import PageRequest
from projections.read_models import ACCOUNTS, ALERTING, SCORING, TRACKING, ReadModels
from projections.tracking.queries.identities import IdentityFilter, list_identities

WINDOWS = {"1": timedelta(days=1), "7": timedelta(days=7), "30": timedelta(days=30)}  # days → the histogram's


class HomePage(Controller):
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def home(  # noqa: PLR0913 - the page's reads, and where it is served from
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        settings: NamedDependency[Settings],
        days: Annotated[str, QueryParameter(name="days", pattern="^(1|7|30)$")] = "7",
    ) -> Template:
        now = datetime.now(UTC)
        day = Window(now - timedelta(days=1), now)
        chosen = Window(now - WINDOWS[days], now)
        team = caller.customer_id
        with read_models.current(ACCOUNTS, TRACKING, SCORING, ALERTING) as conn:
            totals = stats.totals(conn, team, *day.micros)
            spread = stats.score_distribution(conn, team, *chosen.micros)
            recent = list_identities(conn, team, IdentityFilter(), PageRequest(page_size=10, sort="lastTrackedAt"))
            escalations = stats.open_escalations(conn, team)
            rules = stats.rule_activity(conn, team, *chosen.micros)
            keys = [] if recent.rows else [c for c in list_credentials(conn, team) if c["enabled"]]
        chart = script_json({"buckets": BUCKET_NAMES, **spread})
        # Where the snippets point: the public URL, else the address this page was asked for.
        base_url = settings.public_url or str(request.base_url).rstrip("/")
        context = page(viewer, "home", totals=totals, chart=chart, days=days, recent=recent.rows,
                       escalations=escalations, rules=rules, base_url=base_url,
                       public_key=keys[0]["public_key"] if keys else None)  # fmt: skip
        return Template(template_name="home.html", context=context)
