"""An identity's analysis cycles, score history, links and reviews, and the requests for
a new cycle or a new review."""

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody

from api.auth import Caller, limit_key
from api.controllers.identities import existing_identity
from api.errors import NotFound
from api.http import container_of, decode_body, int_param, path_value
from api.schemas.analysis import (
    AnalysisOut,
    IdentityReviewOut,
    LinkedIdentityOut,
    ReviewIn,
    ScoreHistoryEntryOut,
    analysis_out,
    history_entry_out,
    linked_identity_out,
    review_out,
)
from domain.errors import InvalidInput
from projections.read_models import SCORING, TRACKING
from projections.scoring.queries.analyses import analysis_by_cycle, latest_analysis, score_history
from projections.scoring.queries.links import identity_links
from projections.scoring.queries.reviews import identity_reviews
from projections.times import to_micros

DEFAULT_HISTORY = 100
MAX_HISTORY = 500
MAX_CYCLE_ID = 2**31 - 1


@get("/api/identities/{identity_id:str}/analysis", sync_to_thread=True)
def latest_analysis_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], identity_id: FromPath[str]
) -> AnalysisOut:
    identity = path_value(identity_id)
    with container_of(request).read_models.current(TRACKING, SCORING) as conn:
        existing_identity(conn, caller, identity)
        row = latest_analysis(conn, caller.customer_id, identity)
    if row is None:
        raise NotFound("This identity has not been analyzed yet")
    return analysis_out(row)


@get("/api/identities/{identity_id:str}/analysis/{cycle_id:str}", sync_to_thread=True)
def analysis_handler(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Caller],
    identity_id: FromPath[str],
    cycle_id: FromPath[str],
) -> AnalysisOut:
    identity = path_value(identity_id)
    # A cycle id that is not a number names no cycle: 404, as the contract asks, not 400.
    number = int(cycle_id) if cycle_id.isascii() and cycle_id.isdigit() and len(cycle_id) <= 10 else None
    with container_of(request).read_models.current(TRACKING, SCORING) as conn:
        existing_identity(conn, caller, identity)
        row = None
        if number is not None and number <= MAX_CYCLE_ID:
            row = analysis_by_cycle(conn, caller.customer_id, identity, number)
    if row is None:
        raise NotFound("Analysis cycle not found")
    return analysis_out(row)


@get("/api/identities/{identity_id:str}/history", sync_to_thread=True)
def history_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], identity_id: FromPath[str]
) -> list[ScoreHistoryEntryOut]:
    limit = int_param(request, "limit", DEFAULT_HISTORY)
    if not 1 <= limit <= MAX_HISTORY:
        raise InvalidInput(f"limit must be between 1 and {MAX_HISTORY}")
    identity = path_value(identity_id)
    with container_of(request).read_models.current(TRACKING, SCORING) as conn:
        existing_identity(conn, caller, identity)
        return [history_entry_out(r) for r in score_history(conn, caller.customer_id, identity, limit)]


@get("/api/identities/{identity_id:str}/links", sync_to_thread=True)
def links_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], identity_id: FromPath[str]
) -> list[LinkedIdentityOut]:
    identity = path_value(identity_id)
    with container_of(request).read_models.current(TRACKING) as conn:
        existing_identity(conn, caller, identity)
        return [linked_identity_out(item) for item in identity_links(conn, caller.customer_id, identity)]


@post("/api/identities/{identity_id:str}/actions/analyze", status_code=202, sync_to_thread=True)
def analyze_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], identity_id: FromPath[str]
) -> dict[str, str]:
    container = container_of(request)
    identity = path_value(identity_id)
    with container.read_models.current(TRACKING) as conn:
        existing_identity(conn, caller, identity)
    container.tracking.request_analysis(caller.customer_id, identity, limit_key(caller))
    container.engine.wake()
    return {"status": "QUEUED"}


@get("/api/identities/{identity_id:str}/reviews", sync_to_thread=True)
def reviews_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], identity_id: FromPath[str]
) -> list[IdentityReviewOut]:
    identity = path_value(identity_id)
    with container_of(request).read_models.current(TRACKING, SCORING) as conn:
        existing_identity(conn, caller, identity)
        return [review_out(r) for r in identity_reviews(conn, caller.customer_id, identity)]


@post("/api/identities/{identity_id:str}/actions/review", status_code=201, sync_to_thread=True)
def review_handler(
    request: Request[Any, Any, Any], caller: NamedDependency[Caller], identity_id: FromPath[str], body: RawBody
) -> IdentityReviewOut:
    container = container_of(request)
    asked = decode_body(body or b"{}", ReviewIn)
    identity = path_value(identity_id)
    with container.read_models.current(TRACKING) as conn:
        existing_identity(conn, caller, identity)
    review = container.scoring.request_review(caller.customer_id, identity, asked.feedback, limit_key(caller))
    container.engine.wake()
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
