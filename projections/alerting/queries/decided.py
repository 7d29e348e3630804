"""A rule's backtest's index (application/alerting/backtest.py DecisionIndex): which decisions a team's identities
had in a window, in the order they finished. Only cycle numbers come out of here; the decisions themselves are read
from the Scoring application's store."""

from uuid import UUID

from sqlalchemy import and_, or_, select

from projections.read_models import SCORING, ReadModels
from projections.schema import analyses

_a = analyses.c


class DecidedIndex:
    def __init__(self, read_models: ReadModels) -> None:
        self.read_models = read_models
        self._current = False

    def finished(
        self, customer_id: UUID, start: int, end: int, after: tuple[int, int] | None, limit: int
    ) -> list[tuple[int, int]]:
        """(finished_at, cycle_id) of the team's decisions finished in [start, end) (µs), after `after` in that
        order, at most `limit`. The first page waits for the scoring projection to show every decision recorded
        before the request; the next ones read on from there."""
        bounds = [_a.customer_id == customer_id, _a.finished_at >= start, _a.finished_at < end]
        if after is not None:
            at, cycle = after
            bounds.append(or_(_a.finished_at > at, and_(_a.finished_at == at, _a.cycle_id > cycle)))
        query = select(_a.finished_at, _a.cycle_id).where(*bounds).order_by(_a.finished_at, _a.cycle_id).limit(limit)
        reading = self.read_models.as_they_are() if self._current else self.read_models.current(SCORING)
        with reading as conn:
            rows = conn.execute(query).all()
        self._current = True
        return [(r.finished_at, r.cycle_id) for r in rows]
