"""What the application needs from infrastructure, implemented in adapters/."""

from collections.abc import Collection
from typing import Protocol
from uuid import UUID


class StoredAggregateIds(Protocol):
    def existing(self, ids: Collection[UUID]) -> set[UUID]:
        """The given aggregate ids that already have events in the store."""
