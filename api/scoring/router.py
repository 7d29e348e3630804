from litestar import Router

from api.dependencies import provide, scoring, scoring_engine, tracking
from api.scoring.analysis import IdentityAnalysisController
from api.scoring.datasets import DatasetController

router = Router(
    path="/",
    tags=["Scoring"],
    dependencies=provide(scoring=scoring, engine=scoring_engine, tracking=tracking),
    route_handlers=[IdentityAnalysisController, DatasetController],
)
