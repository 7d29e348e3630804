"""Where a save left its log: the position a read must wait for to see what was just recorded."""

from collections.abc import Sequence
from uuid import UUID

from eventsourcing.persistence import Recording


def last_position(recordings: Sequence[Recording[UUID]]) -> int:
    """The highest notification id of the recordings; 0 when nothing was recorded."""
    return max((r.notification.id for r in recordings), default=0)
