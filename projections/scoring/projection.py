"""The scoring log → analyses (one row per cycle), each identity's current scores, and reviews.

An identity shows the scores of its highest-numbered cycle, whatever order decisions
arrive in; the queue is settled here too, so a rebuilt read model knows which inputs
were already scored."""

from typing import Any

from sqlalchemy import Connection, delete, or_, select, update

from domain.scoring.analyzer_badges import BADGES
from domain.scoring.categories import Category
from domain.scoring.dataset_entry import DatasetEntry
from domain.scoring.fraud_decision import FraudDecision, versions_label
from domain.scoring.review import IdentityReview
from domain.times import to_micros
from projections.schema import analyses, dataset_entries, identities, identity_badges, reviews
from projections.scoring.queries.scoring_queue import settle
from projections.upsert import insert_ignore, upsert

SCORE_COLUMNS = {
    Category.HUMANITY: "humanity_score",
    Category.AUTHENTICITY: "authenticity_score",
    Category.UNIQUENESS: "uniqueness_score",
    Category.BEHAVIOR: "behavior_score",
}


def _scores(e: FraudDecision.Decided) -> dict[str, int | None]:
    return {column: e.scores.get(category.value) for category, column in SCORE_COLUMNS.items()}


def _analysis_row(e: FraudDecision.Decided) -> dict[str, Any]:
    return {
        "customer_id": e.customer_id,
        "cycle_id": e.cycle_id,
        "identity_id": e.identity,
        **_scores(e),
        "observations": e.observations,
        "event_count": e.event_count,
        "device_count": e.device_count,
        "started_at": to_micros(e.started_at),
        "finished_at": to_micros(e.finished_at),
        "inputs_position": e.inputs_position,
        "rules_version": e.rules_version,
        "datasets_version": e.datasets_version,
    }


class ScoringProjection:
    name = "scoring"

    def apply(self, conn: Connection, batch_events: list[tuple[int, Any]]) -> None:
        self._decisions(conn, batch_events)
        for position, e in batch_events:
            if isinstance(e, (DatasetEntry.Put, DatasetEntry.Removed)):
                _dataset_entry(conn, position, e)
            else:
                _REVIEW_HANDLERS.get(type(e), _ignore)(conn, e)

    def _decisions(self, conn: Connection, batch_events: list[tuple[int, Any]]) -> None:
        # Table by table, and in each by identity, as the tracking projection writes them (identities before
        # identity_features, rows in key order): the two projections never wait on each other in a circle.
        decisions = sorted(
            (e for _, e in batch_events if isinstance(e, FraudDecision.Decided)),
            key=lambda e: (e.customer_id, e.identity, e.cycle_id),
        )
        insert_ignore(conn, analyses, [_analysis_row(e) for e in decisions])
        i = identities.c
        for e in decisions:
            newest = conn.execute(
                update(identities)
                .where(
                    i.customer_id == e.customer_id,
                    i.identity_id == e.identity,
                    or_(i.last_cycle_id.is_(None), i.last_cycle_id < e.cycle_id),
                )
                .values(**_scores(e), last_scored_at=to_micros(e.finished_at), last_cycle_id=e.cycle_id)
            ).rowcount
            if newest:
                _replace_analyzer_badges(conn, e)
        for e in decisions:
            settle(
                conn,
                e.customer_id,
                e.identity,
                e.inputs_position,
                versions_label(e.rules_version, e.datasets_version, e.mappings_version),
                next_due=None,
            )


def _ignore(_: Connection, __: Any) -> None:
    pass


def _review_requested(conn: Connection, e: IdentityReview.Requested) -> None:
    row = {
        "customer_id": e.customer_id,
        "review_id": e.number,
        "identity_id": e.identity,
        "status": IdentityReview.PENDING,
        "feedback": e.feedback,
        "summary": None,
        "verdict": None,
        "error_message": None,
        "cycle_id": None,
        "created_at": to_micros(e.timestamp),
        "completed_at": None,
    }
    insert_ignore(conn, reviews, [row])


def _review_key(e: Any) -> Any:
    return (reviews.c.customer_id == e.customer_id) & (reviews.c.review_id == e.number)


def _review_finished(conn: Connection, e: IdentityReview.Finished) -> None:
    conn.execute(
        update(reviews)
        .where(_review_key(e))
        .values(
            status=IdentityReview.FINISHED,
            summary=e.summary,
            verdict=e.verdict,
            cycle_id=e.cycle_id,
            completed_at=to_micros(e.at),
        )
    )


def _review_failed(conn: Connection, e: IdentityReview.Failed) -> None:
    conn.execute(
        update(reviews)
        .where(_review_key(e))
        .values(status=IdentityReview.FAILED, error_message=e.message, completed_at=to_micros(e.at))
    )


_REVIEW_HANDLERS: dict[type, Any] = {
    IdentityReview.Requested: _review_requested,
    IdentityReview.Finished: _review_finished,
    IdentityReview.Failed: _review_failed,
}


def _dataset_entry(conn: Connection, position: int, e: DatasetEntry.Put | DatasetEntry.Removed) -> None:
    d = dataset_entries.c
    at = to_micros(e.timestamp)
    present = isinstance(e, DatasetEntry.Put)
    created = conn.execute(
        select(d.created_at).where(d.customer_id == e.customer_id, d.slug == e.slug, d.key == e.key)
    ).scalar()
    row = {
        "customer_id": e.customer_id,
        "slug": e.slug,
        "key": e.key,
        "value": e.value if present else None,
        "present": present,
        "created_at": created if created is not None and present else at,
        "updated_at": at,
        "position": position,
    }
    upsert(conn, dataset_entries, [row])


def _replace_analyzer_badges(conn: Connection, e: FraudDecision.Decided) -> None:
    b = identity_badges.c
    conn.execute(
        delete(identity_badges).where(
            b.customer_id == e.customer_id, b.identity_id == e.identity, b.slug.in_(list(BADGES))
        )
    )
    rows = [
        {
            "customer_id": e.customer_id,
            "identity_id": e.identity,
            "slug": badge["slug"],
            "name": badge["name"],
            "type": badge["type"],
            "explanation": badge["explanation"],
            "metadata": badge["metadata"],
            "priority": 0,
        }
        for badge in e.badges
    ]
    insert_ignore(conn, identity_badges, rows)
