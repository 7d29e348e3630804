"""The identities' data keys, kept outside the event log (adapters/privacy/key_store.py stores them).

One key per identity seals its personal fields (domain/privacy/personal_data.py). Erasing destroys the key
and leaves a tombstone, so the identity stays erased: anything recorded about it later is stored already
shredded, and nothing, not a scoring cycle that was under way, can bring a key back."""

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID, uuid4

KEY_BYTES = 32  # AES-256


@dataclass(frozen=True)
class SealingKey:
    key_id: UUID
    secret: bytes


class KeyRing(Protocol):
    def sealing_key(self, customer_id: UUID, identity: str) -> SealingKey | None:
        """The identity's key, made on first use; None once the identity is erased."""
        ...

    def opening_key(self, key_id: UUID) -> bytes | None:
        """The secret of a key; None once destroyed."""
        ...

    def erase(self, customer_id: UUID, identity: str, at: datetime) -> bool:
        """Destroy the identity's key for good; True if one was destroyed now (idempotent)."""
        ...


def new_secret() -> bytes:
    return os.urandom(KEY_BYTES)


class InMemoryKeyRing:
    """The key ring of applications that keep their events in memory (tests, POPO): both go together."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_identity: dict[tuple[UUID, str], SealingKey | None] = {}
        self._secrets: dict[UUID, bytes] = {}

    def sealing_key(self, customer_id: UUID, identity: str) -> SealingKey | None:
        with self._lock:
            owner = (customer_id, identity)
            if owner not in self._by_identity:
                key = SealingKey(uuid4(), new_secret())
                self._by_identity[owner] = key
                self._secrets[key.key_id] = key.secret
            return self._by_identity[owner]

    def opening_key(self, key_id: UUID) -> bytes | None:
        return self._secrets.get(key_id)

    def erase(self, customer_id: UUID, identity: str, at: datetime) -> bool:
        with self._lock:
            key = self._by_identity.get((customer_id, identity))
            self._by_identity[(customer_id, identity)] = None
            return key is not None and self._secrets.pop(key.key_id, None) is not None


# How long a process may go on opening with a key it read before the key was destroyed. Erasure waits this
# long before it purges the read models (application/privacy/erasure.py), so no projection can write a
# value it opened with a stale key after the purge.
OPENING_KEYS_KEPT_SECONDS = 1.0
_CACHED = 100_000


class CachedKeyRing:
    """Keeps keys in memory so a projection rebuild does not read the key store once per event.

    Sealing keys are kept as long as there is room: sealing with a key destroyed since only stores a value
    nobody can open, which is what erasure wants. Opening keys are kept `OPENING_KEYS_KEPT_SECONDS`."""

    def __init__(self, ring: KeyRing, clock: Callable[[], float] = time.monotonic) -> None:
        self._ring = ring
        self._clock = clock
        self._lock = threading.Lock()
        self._sealing: OrderedDict[tuple[UUID, str], SealingKey | None] = OrderedDict()
        self._opening: OrderedDict[UUID, tuple[float, bytes | None]] = OrderedDict()

    def sealing_key(self, customer_id: UUID, identity: str) -> SealingKey | None:
        owner = (customer_id, identity)
        with self._lock:
            if owner in self._sealing:
                self._sealing.move_to_end(owner)
                return self._sealing[owner]
        key = self._ring.sealing_key(customer_id, identity)
        with self._lock:
            self._sealing[owner] = key
            _trim(self._sealing)
            if key is not None:
                self._opening[key.key_id] = (self._clock(), key.secret)
                _trim(self._opening)
        return key

    def opening_key(self, key_id: UUID) -> bytes | None:
        now = self._clock()
        with self._lock:
            cached = self._opening.get(key_id)
            if cached is not None and now - cached[0] < OPENING_KEYS_KEPT_SECONDS:
                return cached[1]
        secret = self._ring.opening_key(key_id)
        with self._lock:
            self._opening[key_id] = (now, secret)
            _trim(self._opening)
        return secret

    def erase(self, customer_id: UUID, identity: str, at: datetime) -> bool:
        destroyed = self._ring.erase(customer_id, identity, at)
        with self._lock:
            key = self._sealing.pop((customer_id, identity), None)
            if key is not None:
                self._opening.pop(key.key_id, None)
            self._sealing[(customer_id, identity)] = None
        return destroyed


def _trim(cache: OrderedDict) -> None:  # type: ignore[type-arg]
    while len(cache) > _CACHED:
        cache.popitem(last=False)
