"""The identity record's index (application/audit/record.py RecordIndex): which aggregates hold an identity's
record, and the times of its tracked events and decisions, the two streams a timeline pages through. Only
names and times come out of here; every value shown is read from the stores.

A tracked event's time is when Dregs received it (`events.received_at`), a decision's when its cycle finished
(`analyses.finished_at`): both copied from their events, so the index orders them as the events do."""

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Connection,
    Integer,
    Select,
    String,
    and_,
    cast,
    func,
    literal_column,
    null,
    or_,
    tuple_,
    union_all,
)
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
        cap: int | None = None,
    ) -> int:
        # Each stream counted up to `cap` on its own: min(a, cap) + min(b, cap) reaches cap exactly when a + b does.
        # In its index's order, so the planner reads `cap` entries of it and stops; unordered, it may take a bitmap
        # scan, which reads every entry of the identity's before the limit applies.
        counted = [_capped(stream.with_only_columns(literal_column("1")), _ORDER[rank], cap) for rank, stream in
                   _streams(customer_id, identity, ranks, start, end)]  # fmt: skip
        found = self._rows(sql_select(*(sql_select(func.count()).select_from(c.subquery()).scalar_subquery()
                                        for c in counted)))[0]  # fmt: skip
        return sum(found) if cap is None else min(sum(found), cap)

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
        *,
        from_newest: bool = False,
    ) -> list[Mark]:
        # Each stream read in its index's order, no further than offset + limit, then the two merged: a page
        # near either end of a million events reads about a page of the index, not every entry sorted.
        heads = []
        for rank, stream in _streams(customer_id, identity, ranks, start, end):
            at, number = _ORDER[rank]
            if after is not None:
                stream = stream.where(_past(rank, at, number, after))
            order = (at.desc(), number.desc()) if from_newest else (at, number)
            heads.append(stream.order_by(*order).limit(offset + limit).subquery())
        merged = heads[0].select() if len(heads) == 1 else union_all(*(h.select() for h in heads))
        m = merged.subquery().c
        order = (m.at.desc(), m.rank.desc(), m.number.desc()) if from_newest else (m.at, m.rank, m.number)
        query = sql_select(m.at, m.rank, m.number, m.event_id).order_by(*order).offset(offset).limit(limit)
        found = [Mark(r.at, r.rank, r.number, r.event_id) for r in self._rows(query)]
        return found[::-1] if from_newest else found

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


_ORDER = {EVENT_RANK: (_e.received_at, _e.position), DECISION_RANK: (_a.finished_at, _a.cycle_id)}


def _streams(
    customer_id: UUID, identity: str, ranks: frozenset[int], start: int | None, end: int | None
) -> list[tuple[int, Select[Any]]]:
    """The identity's tracked events and decisions in [start, end) as (at, rank, number, event_id) rows, one
    query per stream, with its rank; each has an index in (at, number) order (projections/schema.py)."""
    parts: list[tuple[int, Select[Any]]] = []
    if EVENT_RANK in ranks:
        parts.append(
            (
                EVENT_RANK,
                _window(
                    sql_select(
                        _e.received_at.label("at"),
                        literal_column(str(EVENT_RANK), Integer).label("rank"),
                        _e.position.label("number"),
                        _e.event_id.label("event_id"),
                    ).where(_e.customer_id == customer_id, _e.identity_id == identity),
                    _ORDER[EVENT_RANK][0],
                    start,
                    end,
                ),
            )
        )
    if DECISION_RANK in ranks:
        parts.append(
            (
                DECISION_RANK,
                _window(
                    sql_select(
                        _a.finished_at.label("at"),
                        literal_column(str(DECISION_RANK), Integer).label("rank"),
                        cast(_a.cycle_id, BigInteger).label("number"),
                        cast(null(), String(64)).label("event_id"),
                    ).where(_a.customer_id == customer_id, _a.identity_id == identity),
                    _ORDER[DECISION_RANK][0],
                    start,
                    end,
                ),
            )
        )
    assert parts, "at least one stream"
    return parts


def _past(rank: int, at: Any, number: Any, after: tuple[int, int, int]) -> Any:
    """This stream's marks after `after` in (at, rank, number) order, as a range of its index."""
    after_at, after_rank, after_number = after
    if rank > after_rank:
        return at >= after_at
    if rank < after_rank:
        return at > after_at
    return tuple_(at, number) > tuple_(after_at, after_number)


def _capped(query: Select[Any], order: tuple[Any, Any], cap: int | None) -> Select[Any]:
    return query if cap is None else query.order_by(*order).limit(cap)


def _window(query: Select[Any], column: Any, start: int | None, end: int | None) -> Select[Any]:
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column < end)
    return query
