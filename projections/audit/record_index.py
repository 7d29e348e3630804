"""The identity record's index (application/audit/record.py RecordIndex): which aggregates hold an identity's
record, and the times of its tracked events and decisions, the two streams a timeline pages through. Only
names and times come out of here; every value shown is read from the stores.

A tracked event's time is when Dregs received it (`events.received_at`), a decision's when its cycle finished
(`analyses.finished_at`): both copied from their events, so the index orders them as the events do."""

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Connection, Integer, Select, String, and_, cast, func, literal_column, null, or_
from sqlalchemy import select as sql_select

from domain.audit.timeline import DECISION_RANK, EVENT_RANK, Mark
from projections.schema import (
    analyses,
    badge_rules,
    dataset_entries,
    escalation_rules,
    escalations,
    events,
    identities,
    mappings,
    reviews,
    team_activity,
)

_e, _a = events.c, analyses.c


class RecordIndex:
    """Each question on a connection of its own, held only while it is asked: an export streams for as long as
    its client reads, and must not hold one of the read models' few connections meanwhile."""

    def __init__(self, connect: Callable[[], AbstractContextManager[Connection]]) -> None:
        self.connect = connect

    def _scalar(self, query: Any) -> Any:
        with self.connect() as conn:
            return conn.execute(query).scalar()

    def _scalars(self, query: Any) -> list[Any]:
        with self.connect() as conn:
            return list(conn.execute(query).scalars())

    def _rows(self, query: Any) -> list[Any]:
        with self.connect() as conn:
            return list(conn.execute(query))

    def first_seen(self, customer_id: UUID, identity: str) -> int | None:
        created = self._scalar(
            sql_select(identities.c.created_at).where(
                identities.c.customer_id == customer_id, identities.c.identity_id == identity
            )
        )
        if created is None:
            return None
        received = self._scalar(
            sql_select(func.min(_e.received_at)).where(_e.customer_id == customer_id, _e.identity_id == identity)
        )
        return received if received is not None else created

    def reviews(self, customer_id: UUID, identity: str) -> list[int]:
        c = reviews.c
        query = sql_select(c.review_id).where(c.customer_id == customer_id, c.identity_id == identity)
        return self._scalars(query.order_by(c.review_id))

    def escalations(self, customer_id: UUID, identity: str) -> list[int]:
        c = escalations.c
        query = sql_select(c.number).where(c.customer_id == customer_id, c.identity_id == identity)
        return self._scalars(query.order_by(c.number))

    def rules(self, customer_id: UUID) -> list[tuple[str, int]]:
        found = []
        for kind, table in (("badge-rule", badge_rules), ("escalation-rule", escalation_rules)):
            query = sql_select(table.c.number).where(table.c.customer_id == customer_id).order_by(table.c.number)
            found += [(kind, n) for n in self._scalars(query)]
        return found

    def dataset_entries(self, customer_id: UUID, since: int) -> list[tuple[str, str]]:
        c = dataset_entries.c
        query = sql_select(c.slug, c.key).where(c.customer_id == customer_id, c.updated_at >= since)
        return [(r.slug, r.key) for r in self._rows(query.order_by(c.slug, c.key))]

    def mappings(self, customer_id: UUID, since: int) -> list[UUID]:
        c = mappings.c
        query = sql_select(c.mapping_id).where(c.customer_id == customer_id, c.updated_at >= since)
        return self._scalars(query.order_by(c.position))

    def activities(self, customer_id: UUID, kinds: Iterable[str], since: int) -> list[UUID]:
        c = team_activity.c
        query = sql_select(c.activity_id).where(
            c.customer_id == customer_id, c.kind.in_([str(k) for k in kinds]), c.at >= since
        )
        return self._scalars(query.order_by(c.position))

    def count_marks(  # noqa: PLR0913 - the record's port
        self,
        customer_id: UUID,
        identity: str,
        ranks: frozenset[int],
        start: int | None,
        end: int | None,
        through: int | None = None,
    ) -> int:
        marks = _marks(customer_id, identity, ranks, start, end).subquery()
        query = sql_select(func.count()).select_from(marks)
        if through is not None:
            query = query.where(marks.c.at <= through)
        return self._scalar(query)

    def marks(  # noqa: PLR0913 - the record's port
        self,
        customer_id: UUID,
        identity: str,
        ranks: frozenset[int],
        start: int | None,
        end: int | None,
        offset: int,
        limit: int,
        after: tuple[int, int, int] | None = None,
    ) -> list[Mark]:
        marks = _marks(customer_id, identity, ranks, start, end).subquery()
        m = marks.c
        query = sql_select(m.at, m.rank, m.number, m.event_id)
        if after is not None:
            at, rank, number = after
            query = query.where(
                or_(m.at > at, and_(m.at == at, or_(m.rank > rank, and_(m.rank == rank, m.number > number))))
            )
        query = query.order_by(m.at, m.rank, m.number).offset(offset).limit(limit)
        return [Mark(r.at, r.rank, r.number, r.event_id) for r in self._rows(query)]

    def decision_before(self, customer_id: UUID, identity: str, at: int, cycle_id: int) -> int | None:
        query = (
            sql_select(_a.cycle_id)
            .where(
                _a.customer_id == customer_id,
                _a.identity_id == identity,
                or_(_a.finished_at < at, and_(_a.finished_at == at, _a.cycle_id < cycle_id)),
            )
            .order_by(_a.finished_at.desc(), _a.cycle_id.desc())
            .limit(1)
        )
        return self._scalar(query)


def _marks(customer_id: UUID, identity: str, ranks: frozenset[int], start: int | None, end: int | None) -> Any:
    """The identity's tracked events and decisions as (at, rank, number, event_id) rows, one UNION ALL."""
    parts: list[Select[Any]] = []
    if EVENT_RANK in ranks:
        parts.append(
            _window(
                sql_select(
                    _e.received_at.label("at"),
                    literal_column(str(EVENT_RANK), Integer).label("rank"),
                    _e.position.label("number"),
                    _e.event_id.label("event_id"),
                ).where(_e.customer_id == customer_id, _e.identity_id == identity),
                _e.received_at,
                start,
                end,
            )
        )
    if DECISION_RANK in ranks:
        parts.append(
            _window(
                sql_select(
                    _a.finished_at.label("at"),
                    literal_column(str(DECISION_RANK), Integer).label("rank"),
                    cast(_a.cycle_id, BigInteger).label("number"),
                    cast(null(), String(64)).label("event_id"),
                ).where(_a.customer_id == customer_id, _a.identity_id == identity),
                _a.finished_at,
                start,
                end,
            )
        )
    assert parts, "at least one stream"
    return parts[0] if len(parts) == 1 else parts[0].union_all(*parts[1:])


def _window(query: Select[Any], column: Any, start: int | None, end: int | None) -> Select[Any]:
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column < end)
    return query
