"""Analysis cycles, score history and identity links (contract §11.4–§11.8)."""

from typing import Any

import msgspec

from api.schemas import text
from api.time import format_time
from domain.scoring.review import MAX_FEEDBACK
from projections.scoring.queries.links import LinkedIdentity

CATEGORY_COLUMNS = (
    ("HUMANITY", "humanity_score"),
    ("AUTHENTICITY", "authenticity_score"),
    ("UNIQUENESS", "uniqueness_score"),
    ("BEHAVIOR", "behavior_score"),
)


class ObservationOut(msgspec.Struct):
    category: str
    id: str
    label: str
    explanation: str
    value: float
    confidence: float
    weight: float
    metadata: dict[str, Any]


class ScoreOut(msgspec.Struct):
    category: str
    value: int
    observations: list[ObservationOut]


class AnalysisOut(msgspec.Struct, rename="camel"):
    id: int
    identity_id: str
    scores: list[ScoreOut]
    event_count: int
    device_count: int
    duration_millis: int
    started_at: str | None
    finished_at: str | None


class ScoreHistoryEntryOut(msgspec.Struct, rename="camel"):
    id: int
    humanity_score: int | None
    authenticity_score: int | None
    uniqueness_score: int | None
    behavior_score: int | None
    event_count: int
    device_count: int
    finished_at: str | None


class LinkedIdentityOut(msgspec.Struct, rename="camel"):
    target_identity_id: str
    target_display_name: str | None
    type: str
    value: float
    confidence: float
    explanation: str
    metadata: dict[str, Any]
    created_at: str | None


def scores_out(row: dict[str, Any]) -> list[ScoreOut]:
    """The current scores, without observations (`/scores`)."""
    return [ScoreOut(cat, row[col], []) for cat, col in CATEGORY_COLUMNS if row[col] is not None]


def _observation(o: dict[str, Any]) -> ObservationOut:
    return ObservationOut(
        o["category"], o["id"], o["label"], o["explanation"], o["value"], o["confidence"], o["weight"],
        o.get("metadata") or {},
    )  # fmt: skip


def analysis_out(row: dict[str, Any]) -> AnalysisOut:
    scores = [
        ScoreOut(cat, row[col], [_observation(o) for o in row["observations"] if o["category"] == cat])
        for cat, col in CATEGORY_COLUMNS
        if row[col] is not None
    ]
    return AnalysisOut(
        id=row["cycle_id"],
        identity_id=row["identity_id"],
        scores=scores,
        event_count=row["event_count"],
        device_count=row["device_count"],
        duration_millis=max(0, (row["finished_at"] - row["started_at"]) // 1000),
        started_at=format_time(row["started_at"]),
        finished_at=format_time(row["finished_at"]),
    )


def history_entry_out(row: dict[str, Any]) -> ScoreHistoryEntryOut:
    return ScoreHistoryEntryOut(
        id=row["cycle_id"],
        humanity_score=row["humanity_score"],
        authenticity_score=row["authenticity_score"],
        uniqueness_score=row["uniqueness_score"],
        behavior_score=row["behavior_score"],
        event_count=row["event_count"],
        device_count=row["device_count"],
        finished_at=format_time(row["finished_at"]),
    )


def linked_identity_out(item: LinkedIdentity) -> LinkedIdentityOut:
    link = item.link
    return LinkedIdentityOut(
        target_identity_id=link.other,
        target_display_name=item.display_name,
        type=link.type.value,
        value=link.value,
        confidence=link.confidence,
        explanation=link.explanation,
        metadata=dict(link.metadata),
        created_at=format_time(link.since),
    )


class IdentityReviewOut(msgspec.Struct, rename="camel"):
    id: int
    identity_id: str
    status: str
    user_feedback: str | None
    summary: str | None
    verdict: str | None
    error_message: str | None
    created_at: str | None
    completed_at: str | None


class QueuedOut(msgspec.Struct):
    status: str  # always QUEUED


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    feedback: text(MAX_FEEDBACK) | None = None  # type: ignore[valid-type]


def review_out(row: dict[str, Any]) -> IdentityReviewOut:
    return IdentityReviewOut(
        id=row["review_id"],
        identity_id=row["identity_id"],
        status=row["status"],
        user_feedback=row["feedback"],
        summary=row["summary"],
        verdict=row["verdict"],
        error_message=row["error_message"],
        created_at=format_time(row["created_at"]),
        completed_at=format_time(row["completed_at"]),
    )
