"""Which of a team's identities a set of rule conditions matches now, in SQL over the read models.

The same answers as domain/alerting/conditions.py `all_hold` for each identity (its scores, the
badges in identity_badges, first seen at `identities.created_at`), checked by a property test:
a score that was never computed matches no score condition, `ANY` holds when one of the four
does, an empty set of conditions matches nothing. Disregarded identities are never matched.
Two uses: the preview of an escalation rule, and the evaluator's sweeps of a rule over the team
(keyset pages by identity id)."""

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, and_, exists, false, func, or_, select

from domain.alerting.conditions import AGE_KINDS, ANY, BADGE_KINDS, SCORE_KINDS, Condition
from projections.schema import identities, identity_badges

SCORE_COLUMNS = {
    "HUMANITY": identities.c.humanity_score,
    "AUTHENTICITY": identities.c.authenticity_score,
    "UNIQUENESS": identities.c.uniqueness_score,
    "BEHAVIOR": identities.c.behavior_score,
}
SAMPLE_SIZE = 20


def _compare(kind: str, column: ColumnElement[Any], threshold: int) -> ColumnElement[bool]:
    # NULL compares to NULL, which WHERE (and OR) treat as not holding: an unscored category never matches.
    if kind == "SCORE_LT":
        return column < threshold
    if kind == "SCORE_LTE":
        return column <= threshold
    if kind == "SCORE_GT":
        return column > threshold
    return column >= threshold


def _condition(customer_id: UUID, c: Condition, now: int) -> ColumnElement[bool]:
    if c.condition in SCORE_KINDS:
        assert c.threshold is not None
        columns = list(SCORE_COLUMNS.values()) if c.category == ANY else [SCORE_COLUMNS[str(c.category)]]
        return or_(*(_compare(c.condition, column, c.threshold) for column in columns))
    if c.condition in BADGE_KINDS:
        held = exists(
            select(identity_badges.c.slug).where(
                identity_badges.c.customer_id == customer_id,
                identity_badges.c.identity_id == identities.c.identity_id,
                identity_badges.c.slug == c.badge,
            )
        )
        return held if c.condition == "BADGE_EXISTS" else ~held
    if c.condition in AGE_KINDS:
        assert c.seconds is not None
        # age = now - first seen, compared in whole µs: the bound is computed exactly here, not in SQL.
        bound = now - c.seconds * 1_000_000
        return identities.c.created_at > bound if c.condition == "IDENTITY_AGE_LT" else identities.c.created_at < bound
    raise ValueError(f"unknown condition {c.condition!r}")


def matches(customer_id: UUID, conditions: Iterable[Condition], now: int) -> ColumnElement[bool]:
    """The WHERE clause over `identities` (the team and regarded identities included); `now` in µs."""
    parts = [_condition(customer_id, c, now) for c in conditions]
    if not parts:
        return false()
    return and_(identities.c.customer_id == customer_id, identities.c.disregarded.is_(False), *parts)


def count_and_sample(
    conn: Connection, customer_id: UUID, conditions: Sequence[Condition], now: int, limit: int = SAMPLE_SIZE
) -> tuple[int, list[dict[str, Any]]]:
    """How many of the team's identities match now, and up to `limit` of them (the most recently tracked
    first): `identity_id` and `display_name`."""
    where = matches(customer_id, conditions, now)
    count = conn.execute(select(func.count()).select_from(identities).where(where)).scalar_one()
    rows = conn.execute(
        select(identities.c.identity_id, identities.c.display_name)
        .where(where)
        .order_by(identities.c.last_tracked_at.desc().nulls_last(), identities.c.identity_id)
        .limit(limit)
    ).mappings()
    return int(count), [dict(r) for r in rows]


def matching_identities(
    conn: Connection,
    customer_id: UUID,
    conditions: Sequence[Condition],
    now: int,
    after_identity: str | None,
    limit: int,
) -> list[str]:
    """The next `limit` matching identity ids after `after_identity` (None: from the start), in id order."""
    query = select(identities.c.identity_id).where(matches(customer_id, conditions, now))
    if after_identity is not None:
        query = query.where(identities.c.identity_id > after_identity)
    return list(conn.execute(query.order_by(identities.c.identity_id).limit(limit)).scalars())
