from collections.abc import Callable, Sequence
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Recording

T = TypeVar("T")
A = TypeVar("A", bound=Aggregate)


def retry_on_conflict(command: Callable[[], T], attempts: int = 5) -> T:
    """Run a load-change-save command again when another writer saved first."""
    for attempt in range(attempts):
        try:
            return command()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def change_or_create(
    app: Application[UUID], aggregate_id: UUID, create: Callable[[], A], change: Callable[[A], None]
) -> tuple[A, Sequence[Recording[UUID]]]:
    """Load the aggregate (or create it), change it and save it, again if another writer saved first."""

    def attempt() -> tuple[A, Sequence[Recording[UUID]]]:
        try:
            aggregate = app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            aggregate = create()
        change(aggregate)
        return aggregate, app.save(aggregate)

    return retry_on_conflict(attempt)
