"""An identity's current scores, analysis cycles, score history, links and reviews, and the requests
for a new cycle or a new review."""

from typing import Annotated

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter

from api.audit.as_of import AS_OF, AsOf
from api.auth import Caller, limit_key
from api.controller import TeamController
from api.errors import NotFound, responses
from api.http import path_value
from api.openapi_schemas import OptionalBody
from api.scoring.schemas.analysis import (
    AnalysisOut,
    IdentityReviewOut,
    LinkedIdentityOut,
    QueuedOut,
    ReviewIn,
    ScoreHistoryEntryOut,
    ScoreOut,
    analysis_out,
    history_entry_out,
    linked_identity_out,
    review_out,
    scores_out,
)
from api.tracking.identities import existing_identity
from application.scoring.application import ScoringApplication
from application.scoring.engine import ScoringEngine
from application.tracking.application import TrackingApplication
from domain.times import to_micros
from projections.read_models import SCORING, TRACKING, ReadModels
from projections.scoring.queries.analyses import analysis_by_cycle, latest_analysis, score_history
from projections.scoring.queries.links import identity_links
from projections.scoring.queries.reviews import identity_reviews

DEFAULT_HISTORY = 100
MAX_HISTORY = 500
MAX_CYCLE_ID = 2**31 - 1

# Documented, not enforced by Litestar: a cycle id that is not a number names no cycle, a 404 (contract §6.5).
CYCLE_ID = PathParameter(
    description="The cycle's id, a decimal number (anything else names no cycle: 404)",
    schema_extra={"pattern": "^[0-9]+$"},
)


class IdentityAnalysisController(TeamController):
    path = "/api/identities/{identity_id:str}"

    @get("/scores", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429), dependencies=AS_OF)
    def scores(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        identity_id: FromPath[str],
        as_of: NamedDependency[AsOf | None],
    ) -> list[ScoreOut]:
        """The current score of each category scored so far (a new identity: `[]`)."""
        if as_of is not None:
            return as_of.scores(read_models, caller, path_value(identity_id))
        with read_models.current(TRACKING) as conn:
            return scores_out(existing_identity(conn, caller, path_value(identity_id)))

    @get("/analysis", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429), dependencies=AS_OF)
    def latest_analysis(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        identity_id: FromPath[str],
        as_of: NamedDependency[AsOf | None],
    ) -> AnalysisOut:
        """The latest analysis cycle, with every observation (404 before the first)."""
        identity = path_value(identity_id)
        if as_of is not None:
            return as_of.analysis(read_models, caller, identity)
        with read_models.current(TRACKING, SCORING) as conn:
            existing_identity(conn, caller, identity)
            row = latest_analysis(conn, caller.customer_id, identity)
        if row is None:
            raise NotFound("This identity has not been analyzed yet")
        return analysis_out(row)

    @get("/analysis/{cycle_id:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def analysis(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        identity_id: FromPath[str],
        cycle_id: Annotated[str, CYCLE_ID],
    ) -> AnalysisOut:
        """One past analysis cycle."""
        identity = path_value(identity_id)
        number = int(cycle_id) if cycle_id.isascii() and cycle_id.isdigit() and len(cycle_id) <= 10 else None
        with read_models.current(TRACKING, SCORING) as conn:
            existing_identity(conn, caller, identity)
            row = None
            if number is not None and number <= MAX_CYCLE_ID:
                row = analysis_by_cycle(conn, caller.customer_id, identity, number)
        if row is None:
            raise NotFound("Analysis cycle not found")
        return analysis_out(row)

    @get("/history", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429), dependencies=AS_OF)
    def history(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        identity_id: FromPath[str],
        as_of: NamedDependency[AsOf | None],
        limit: Annotated[
            int, QueryParameter(name="limit", ge=1, le=MAX_HISTORY, description="how many cycles, newest first")
        ] = DEFAULT_HISTORY,
    ) -> list[ScoreHistoryEntryOut]:
        """The scores of past cycles, newest first."""
        identity = path_value(identity_id)
        if as_of is not None:
            return as_of.history(read_models, caller, identity, limit)
        with read_models.current(TRACKING, SCORING) as conn:
            existing_identity(conn, caller, identity)
            return [history_entry_out(r) for r in score_history(conn, caller.customer_id, identity, limit)]

    @get("/links", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429), dependencies=AS_OF)
    def links(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        identity_id: FromPath[str],
        as_of: NamedDependency[AsOf | None],
    ) -> list[LinkedIdentityOut]:
        """Other identities this one is linked to (a shared device, IP, session, mailbox…), as a cycle sees them
        (with `asOf`: as the last cycle by then saw them)."""
        identity = path_value(identity_id)
        if as_of is not None:
            return as_of.links(read_models, caller, identity)
        with read_models.current(TRACKING) as conn:
            existing_identity(conn, caller, identity)
            return [linked_identity_out(item) for item in identity_links(conn, caller.customer_id, identity)]

    @post("/actions/analyze", status_code=202, sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def analyze(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        engine: NamedDependency[ScoringEngine],
        identity_id: FromPath[str],
    ) -> QueuedOut:
        """Queue a new analysis cycle now; it runs in the background."""
        identity = path_value(identity_id)
        with read_models.current(TRACKING) as conn:
            existing_identity(conn, caller, identity)
        tracking.request_analysis(caller.customer_id, identity, limit_key(caller))
        engine.wake()
        return QueuedOut(status="QUEUED")

    @get("/reviews", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def reviews(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels], identity_id: FromPath[str]
    ) -> list[IdentityReviewOut]:
        """Every review asked for on this identity, newest first."""
        identity = path_value(identity_id)
        with read_models.current(TRACKING, SCORING) as conn:
            existing_identity(conn, caller, identity)
            return [review_out(r) for r in identity_reviews(conn, caller.customer_id, identity)]

    @post(
        "/actions/review",
        status_code=201,
        sync_to_thread=True,
        responses=responses(400, 401, 403, 404, 429),
        operation_class=OptionalBody,
    )
    def review(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        scoring: NamedDependency[ScoringApplication],
        engine: NamedDependency[ScoringEngine],
        identity_id: FromPath[str],
        data: JSONBody[ReviewIn | None] = None,
    ) -> IdentityReviewOut:
        """Ask for a review (PENDING until written, from a fresh cycle); the body may be `{}` or absent."""
        identity = path_value(identity_id)
        with read_models.current(TRACKING) as conn:
            existing_identity(conn, caller, identity)
        feedback = data.feedback if data is not None else None
        review = scoring.request_review(caller.customer_id, identity, feedback, limit_key(caller))
        engine.wake()
        return review_out(
            {
                "review_id": review.number,
                "identity_id": review.identity,
                "status": review.status,
                "feedback": review.feedback,
                "summary": None,
                "verdict": None,
                "error_message": None,
                "created_at": to_micros(review.created_on),
                "completed_at": None,
            }
        )
