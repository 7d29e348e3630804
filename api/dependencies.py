"""What Litestar's DI hands to handlers: the composition root's parts and the request's caller.

Handlers name what they need (`read_models`, `tracking`, `caller`…) and never reach into the app
state or the request for it.

Litestar resolves two or more dependencies of one level in an anyio task group, every request
(litestar-org/litestar#4563): on POST /api/events that was about a quarter of the web workers' time holding
the GIL under an open-loop load (py-spy --gil). That route takes one dependency, `event_intake`, which holds
all it needs."""

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from adapters.bootstrap import Container
from adapters.settings import Settings
from api.auth import Caller
from api.cors import BrowserOrigins
from api.team.activity import activity
from application.accounts.application import AccountsApplication
from application.alerting.application import AlertingApplication
from application.alerting.decide_now import DecideNow
from application.scoring.application import ScoringApplication
from application.scoring.engine import ScoringEngine
from application.tracking.application import TrackingApplication
from application.tracking.ingestion import Ingestion
from projections.read_models import ReadModels


def container(state: State) -> Container:
    return state.container


def read_models(container: NamedDependency[Container]) -> ReadModels:
    return container.read_models


def settings(container: NamedDependency[Container]) -> Settings:
    return container.settings


def caller(request: Request[Any, Any, Any]) -> Caller:
    """Set by the route's guard (api/guards.py), which runs before any dependency."""
    return request.user


def accounts(container: NamedDependency[Container]) -> AccountsApplication:
    return container.accounts


def tracking(container: NamedDependency[Container]) -> TrackingApplication:
    return container.tracking


@dataclass(frozen=True, slots=True)
class EventIntake:
    """What POST /api/events needs, as its one dependency."""

    caller: Caller
    ingestion: Ingestion
    decide_now: DecideNow
    decide_timeout_seconds: float


def event_intake(container: NamedDependency[Container], request: Request[Any, Any, Any]) -> EventIntake:
    assert container.ingestion is not None  # made by Container.start(), before the app serves
    return EventIntake(
        request.user, container.ingestion, container.decide_now, container.settings.decide_timeout_seconds
    )


def browser_origins(state: State) -> BrowserOrigins:
    return state.browser_origins


def scoring(container: NamedDependency[Container]) -> ScoringApplication:
    return container.scoring


def scoring_engine(container: NamedDependency[Container]) -> ScoringEngine:
    return container.engine


def alerting(container: NamedDependency[Container]) -> AlertingApplication:
    return container.alerting


def provide(**providers: Any) -> dict[str, Provide]:
    # All of them are plain attribute reads: no thread hop.
    return {name: Provide(fn, sync_to_thread=False) for name, fn in providers.items()}


COMMON = provide(container=container, read_models=read_models, settings=settings, caller=caller, activity=activity)
