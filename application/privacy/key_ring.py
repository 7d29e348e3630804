"""The identities' data keys, kept outside the event log (adapters/privacy/key_store.py stores them).

An identity's personal fields are sealed under its keys (domain/privacy/personal_data.py): one LIFELONG key for
its attributes, one per day for what it did that day. Erasing destroys all of them and leaves a tombstone, so
the identity stays erased: anything recorded about it later is stored already shredded, and nothing, not a
scoring cycle that was under way, can bring a key back. The retention job destroys a team's day keys older
than its retention, each leaving its row, so a day once shredded stays shredded."""

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID, uuid4

KEY_BYTES = 32  # AES-256


@dataclass(frozen=True)
class SealingKey:
    key_id: UUID
    secret: bytes


Owner = tuple[UUID, str, int]  # a key's owner: the team, the identity, the period


class KeyRing(Protocol):
    def sealing_key(self, customer_id: UUID, identity: str, period: int) -> SealingKey | None:
        """The identity's key of the period, made on first use; None once destroyed (or the identity erased)."""
        ...

    def sealing_keys(self, owners: Collection[Owner]) -> dict[Owner, SealingKey | None]:
        """sealing_key of many owners, those missing made together (a batch of new identities' events)."""
        ...

    def opening_key(self, key_id: UUID) -> bytes | None:
        """The secret of a key; None once destroyed."""
        ...

    def opening_keys(self, key_ids: Collection[UUID], *, fresh: bool = False) -> dict[UUID, bytes | None]:
        """The secrets of many keys in one read of the store (a replay's page), each None once destroyed.
        `fresh`: read now, past any cache, for a caller that holds the keys itself for up to
        OPENING_KEYS_KEPT_SECONDS (a page being decoded): a key is then held no longer than that in all."""
        ...

    def erase(self, customer_id: UUID, identity: str, at: datetime) -> bool:
        """Destroy the identity's keys for good; True if any was destroyed now (idempotent)."""
        ...

    def expire(self, customer_id: UUID, before: int, at: datetime) -> int:
        """Destroy the team's day keys of periods before `before`; how many were destroyed now (idempotent)."""
        ...


def new_secret() -> bytes:
    return os.urandom(KEY_BYTES)


class InMemoryKeyRing:
    """The key ring of applications that keep their events in memory (tests, POPO): both go together."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[Owner, SealingKey | None] = {}
        self._erased: set[tuple[UUID, str]] = set()
        self._secrets: dict[UUID, bytes] = {}

    def sealing_key(self, customer_id: UUID, identity: str, period: int) -> SealingKey | None:
        with self._lock:
            if (customer_id, identity) in self._erased:
                return None
            owner = (customer_id, identity, period)
            if owner not in self._keys:
                key = SealingKey(uuid4(), new_secret())
                self._keys[owner] = key
                self._secrets[key.key_id] = key.secret
            return self._keys[owner]

    def sealing_keys(self, owners: Collection[Owner]) -> dict[Owner, SealingKey | None]:
        return {owner: self.sealing_key(*owner) for owner in owners}

    def opening_key(self, key_id: UUID) -> bytes | None:
        return self._secrets.get(key_id)

    def opening_keys(self, key_ids: Collection[UUID], *, fresh: bool = False) -> dict[UUID, bytes | None]:  # noqa: ARG002 - never cached
        return {key_id: self._secrets.get(key_id) for key_id in key_ids}

    def erase(self, customer_id: UUID, identity: str, at: datetime) -> bool:
        with self._lock:
            self._erased.add((customer_id, identity))
            owned = [o for o in self._keys if o[:2] == (customer_id, identity)]
            return sum(self._destroy(o) for o in owned) > 0

    def expire(self, customer_id: UUID, before: int, at: datetime) -> int:
        with self._lock:
            return sum(self._destroy(o) for o in list(self._keys) if o[0] == customer_id and 0 < o[2] < before)

    def _destroy(self, owner: Owner) -> bool:
        key = self._keys.get(owner)
        self._keys[owner] = None
        return key is not None and self._secrets.pop(key.key_id, None) is not None


# How long a process may go on opening with a key it read before the key was destroyed. Erasure waits this
# long before it purges the read models (application/privacy/erasure.py), so no projection can write a
# value it opened with a stale key after the purge.
OPENING_KEYS_KEPT_SECONDS = 1.0
_CACHED = 100_000


def outlive_held_keys(wait: Callable[[float], None]) -> None:
    """Called after keys are destroyed, before anything is purged: a projection that opened a value with one of
    them a moment ago must not write it after the purge (erasure and retention)."""
    wait(OPENING_KEYS_KEPT_SECONDS)


class CachedKeyRing:
    """Keeps keys in memory so a projection rebuild does not read the key store once per event.

    Sealing keys are kept as long as there is room: sealing with a key destroyed since only stores a value
    nobody can open, which is what erasure wants. Opening keys are kept `OPENING_KEYS_KEPT_SECONDS`."""

    def __init__(self, ring: KeyRing, clock: Callable[[], float] = time.monotonic) -> None:
        self._ring = ring
        self._clock = clock
        self._lock = threading.Lock()
        self._sealing: OrderedDict[Owner, SealingKey | None] = OrderedDict()
        self._opening: OrderedDict[UUID, tuple[float, bytes | None]] = OrderedDict()

    def sealing_key(self, customer_id: UUID, identity: str, period: int) -> SealingKey | None:
        # Sealing asks this for each personal field of each event: the cached case without sealing_keys' lists.
        owner = (customer_id, identity, period)
        with self._lock:
            if owner in self._sealing:
                self._sealing.move_to_end(owner)
                return self._sealing[owner]
        return self.sealing_keys((owner,))[owner]

    def sealing_keys(self, owners: Collection[Owner]) -> dict[Owner, SealingKey | None]:
        found: dict[Owner, SealingKey | None] = {}
        with self._lock:
            for owner in owners:
                if owner in self._sealing:
                    self._sealing.move_to_end(owner)
                    found[owner] = self._sealing[owner]
        missing = [owner for owner in owners if owner not in found]
        if missing:
            made = self._ring.sealing_keys(missing)
            now = self._clock()
            with self._lock:
                for owner in missing:
                    key = found[owner] = self._sealing[owner] = made[owner]
                    if key is not None:
                        self._opening[key.key_id] = (now, key.secret)
                _trim(self._sealing)
                _trim(self._opening)
        return found

    def opening_key(self, key_id: UUID) -> bytes | None:
        # Every projection asks this for each sealed field it decodes: the cached case without opening_keys' lists.
        now = self._clock()
        with self._lock:
            cached = self._opening.get(key_id)
            if cached is not None and now - cached[0] < OPENING_KEYS_KEPT_SECONDS:
                return cached[1]
        return self.opening_keys((key_id,))[key_id]

    def opening_keys(self, key_ids: Collection[UUID], *, fresh: bool = False) -> dict[UUID, bytes | None]:
        now = self._clock()
        found: dict[UUID, bytes | None] = {}
        with self._lock:
            for key_id in () if fresh else key_ids:
                cached = self._opening.get(key_id)
                if cached is not None and now - cached[0] < OPENING_KEYS_KEPT_SECONDS:
                    found[key_id] = cached[1]
        missing = [key_id for key_id in key_ids if key_id not in found]
        if missing:
            read = self._ring.opening_keys(missing)
            with self._lock:
                for key_id in missing:
                    found[key_id] = read.get(key_id)
                    self._opening[key_id] = (now, found[key_id])
                _trim(self._opening)
        return found

    def erase(self, customer_id: UUID, identity: str, at: datetime) -> bool:
        destroyed = self._ring.erase(customer_id, identity, at)
        self._forget(lambda owner: owner[:2] == (customer_id, identity))
        return destroyed

    def expire(self, customer_id: UUID, before: int, at: datetime) -> int:
        destroyed = self._ring.expire(customer_id, before, at)
        self._forget(lambda owner: owner[0] == customer_id and 0 < owner[2] < before)
        return destroyed

    def _forget(self, destroyed: Callable[[Owner], bool]) -> None:
        """This process's copies of keys it has just destroyed (other processes' expire with time)."""
        with self._lock:
            for owner in [o for o in self._sealing if destroyed(o)]:
                key = self._sealing.pop(owner)
                if key is not None:
                    self._opening.pop(key.key_id, None)


def _trim(cache: OrderedDict) -> None:  # type: ignore[type-arg]
    while len(cache) > _CACHED:
        cache.popitem(last=False)
