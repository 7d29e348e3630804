from collections.abc import Callable
from typing import TypeVar

from eventsourcing.persistence import IntegrityError

T = TypeVar("T")


def retry_on_conflict(command: Callable[[], T], attempts: int = 5) -> T:
    """Run a load-change-save command again when another writer saved first."""
    for attempt in range(attempts):
        try:
            return command()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
