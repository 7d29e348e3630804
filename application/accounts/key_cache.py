"""A short-lived, bounded memory of which secret keys are good.

Every server event authenticates with its sk_ key; loading the Credential aggregate
each time cost a database read and a rebuild per request. A key that is disabled or
revoked here is forgotten at once; other processes forget it within TTL_SECONDS."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

TTL_SECONDS = 2.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class KeyGrant:
    customer_id: UUID
    credential_id: UUID


class KeyCache:
    def __init__(
        self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[float, KeyGrant]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key_hash: str) -> KeyGrant | None:
        with self._lock:
            entry = self._entries.get(key_hash)
            if entry is None:
                return None
            expires, grant = entry
            if expires < self._clock():
                del self._entries[key_hash]
                return None
            return grant

    def put(self, key_hash: str, grant: KeyGrant) -> None:
        with self._lock:
            self._entries[key_hash] = (self._clock() + self._ttl, grant)
            self._entries.move_to_end(key_hash)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def forget(self, key_hash: str) -> None:
        with self._lock:
            self._entries.pop(key_hash, None)
