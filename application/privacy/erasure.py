"""Erasing an identity's personal data (DELETE /api/identities/{id}, the dashboard's Erase).

First its key is destroyed, so every sealed copy of its personal fields in every log becomes unreadable at
once; then, once no process can still hold the key in memory (CachedKeyRing keeps an opening key
OPENING_KEYS_KEPT_SECONDS), the erasure is recorded in the Tracking log, and the projections purge the read
models' plain copies when they reach it (projections/privacy/purge.py). Both steps are idempotent: asking
again destroys any key made since (none can be: the key store keeps a tombstone) and records nothing new."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from application.privacy.key_ring import KeyRing, outlive_held_keys
from application.tracking.application import TrackingApplication


@dataclass(frozen=True)
class Erased:
    erased_at: datetime  # when it was first erased
    position: int  # where the Tracking log recorded it (0: recorded before)
    now: bool  # this call erased it; False when it had been before


class Erasure:
    def __init__(
        self,
        tracking: TrackingApplication,
        key_ring: KeyRing,
        wait: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._tracking = tracking
        self._key_ring = key_ring
        self._wait = wait
        self._clock = clock

    def erase(self, customer_id: UUID, identity: str, erased_by: str | None) -> Erased:
        at = self._clock()
        if self._key_ring.erase(customer_id, identity, at):
            outlive_held_keys(self._wait)
        erased_at, position = self._tracking.erase_identity(customer_id, identity, erased_by, at)
        return Erased(erased_at, position, position > 0)
