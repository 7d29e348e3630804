"""The mapper that stores each identity's personal fields sealed under the identity's own key.

eventsourcing's cipher encrypts a whole event under one key per application; erasing one person needs a key
per identity, and the rest of the event in the clear (see domain/privacy/personal_data.py). So the mapper
seals field by field: each personal field's value, transcoded as usual, is encrypted with AES-256-GCM under
the key of the identity the event names, bound to the event's originator and field (the associated data),
so a sealed value moved to another event or field does not open. The stored state keeps the library's
format, with the sealed values as one more registered type.

Opening a field whose key was destroyed gives the field's erased value and flags the event
(`domain.privacy.personal_data.is_erased`)."""

import base64
import functools
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any
from uuid import UUID

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder, Transcoding

from application.privacy.key_ring import KeyRing, Owner
from domain.privacy.personal_data import ERASED_FLAG, personal_fields

NONCE_BYTES = 12
# Any tag the JSON transcoder writes and, for SealedAsText's value, its key id (before the dot).
_TAGS = re.compile(rb'"_type_"(?::"sealed","_data_":"([0-9a-f]{32})\.)?')
_NONE: Mapping[UUID, bytes | None] = MappingProxyType({})
_TAG = b'"_type_"'
# msgspec's base64 decoder takes a JSON string: it decoded a replayed decision's three sealed boxes (~7 KB of
# base64) in about half binascii's time.
_BASE64 = msgspec.json.Decoder(bytes).decode


class Sealed:
    """A personal field as stored: the id of the key that sealed it (None: stored already shredded, its
    identity having been erased) and the nonce and ciphertext."""

    __slots__ = ("box", "key_id")

    def __init__(self, key_id: UUID | None, box: bytes) -> None:
        self.key_id = key_id
        self.box = box


class SealedAsText(Transcoding):
    type = Sealed
    name = "sealed"

    def encode(self, obj: Sealed) -> str:
        if obj.key_id is None:
            return ""
        return f"{obj.key_id.hex}.{base64.b64encode(obj.box).decode()}"

    def decode(self, data: str) -> Sealed:
        if not data:
            return Sealed(None, b"")
        key_hex, _, box = data.partition(".")
        try:
            return Sealed(_key_id(key_hex), _BASE64(b'"' + box.encode() + b'"'))
        except ValueError:  # msgspec's errors are ValueErrors too
            raise ValueError("a sealed value is not a key id and base64") from None


@functools.lru_cache(maxsize=100_000)
def _key_id(key_hex: str) -> UUID:
    """A key seals many fields (an identity's day): uuid.UUID() parses in Python, each hex once."""
    return UUID(key_hex)


def _to_seal(domain_event: DomainEventProtocol[UUID]) -> list[tuple[str, Owner]]:
    """The event's personal fields that hold a value, each with the owner of the key it is sealed under; none
    for an event about no identity (nobody's to erase)."""
    spec = personal_fields(type(domain_event))
    state = vars(domain_event)
    owner = state.get(spec.identity_field) if spec is not None else None
    if spec is None or owner is None:
        return []
    customer = state["customer_id"]
    return [(name, (customer, owner, spec.period(name, state))) for name in spec.fields if state.get(name) is not None]


def _associated(originator_id: Any, field: str) -> bytes:
    return f"{originator_id}|{field}".encode()


class SealingMapper(Mapper[UUID]):
    def __init__(self, transcoder: Transcoder, key_ring: KeyRing) -> None:
        super().__init__(transcoder)
        self.key_ring = key_ring
        self._parse = msgspec.json.Decoder().decode
        # A cipher per key, made once, rather than one per field sealed: AESGCM sets its key up when made.
        self._ciphers: dict[UUID, tuple[bytes, AESGCM]] = {}

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        to_seal = _to_seal(domain_event)
        if not to_seal:
            return super().to_stored_event(domain_event)
        state = vars(domain_event)
        sealed = dict(state)
        for name, owner in to_seal:
            key = self.key_ring.sealing_key(*owner)
            if key is None:
                sealed[name] = Sealed(None, b"")
                continue
            nonce = os.urandom(NONCE_BYTES)
            plain = self.transcoder.encode(state[name])
            box = self._cipher(key.key_id, key.secret).encrypt(nonce, plain, _associated(state["originator_id"], name))
            sealed[name] = Sealed(key.key_id, nonce + box)
        # The library's own mapping, of a stand-in holding the sealed values.
        stand_in = object.__new__(type(domain_event))
        object.__setattr__(stand_in, "__dict__", sealed)
        return super().to_stored_event(stand_in)

    def make_keys(self, domain_events: Iterable[DomainEventProtocol[UUID]]) -> None:
        """Has the key ring make (or find) at once every key these events will be sealed under, so sealing them
        one by one then finds each in its cache (CachedKeyRing): a batch of new identities' events made its keys
        one after another, several round trips and a commit each (bench/key_store.py)."""
        owners = {owner for domain_event in domain_events for _, owner in _to_seal(domain_event)}
        if owners:
            self.key_ring.sealing_keys(owners)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        return self.to_opened_event(stored_event)

    def to_opened_event(
        self, stored_event: StoredEvent, secrets: Mapping[UUID, bytes | None] = _NONE
    ) -> DomainEventProtocol[UUID]:
        """The library's mapping, then the sealed fields opened with the keys in `secrets` or else read."""
        domain_event = super().to_domain_event(stored_event)
        self.open_fields(domain_event, secrets)
        return domain_event

    def open_fields(
        self, domain_event: DomainEventProtocol[UUID], secrets: Mapping[UUID, bytes | None] = _NONE
    ) -> None:
        """Opens the event's sealed fields in place, with the keys in `secrets` (a whole page's, found by
        `tags_and_key_ids` and read by `opening_keys`) or else read one by one (application/audit/decoding.py's
        fast path calls it too)."""
        spec = personal_fields(type(domain_event))
        if spec is None:
            return
        state = vars(domain_event)
        originator = str(state["originator_id"])
        for name in spec.fields:
            value = state.get(name)
            if type(value) is Sealed:
                opened = self._opened(value, originator, name, secrets)
                if opened is _SHREDDED:
                    state[name] = spec.erased[name]()
                    state[ERASED_FLAG] = True
                else:
                    state[name] = opened

    def tags_and_key_ids(self, states: Sequence[bytes]) -> tuple[list[int], set[UUID]]:
        """How many tags (`"_type_"`) each stored state holds, for application/audit/decoding.py, and the ids of the
        keys their sealed fields need, in one pass over the bytes (two cost a decision twice the time of its whole
        parse). Found before decoding, so a page's keys are read at once (`opening_keys`) and each event is then
        decoded and opened in turn (holding a page of decoded events cost more again: bench/audit_replay.py); a
        key missed here is read when its field is opened."""
        tags: list[int] = []
        found: set[bytes] = set()
        for state in states:
            marks = _TAGS.findall(state)  # b"" for a tag of another type
            tags.append(len(marks))
            found.update(marks)
        found.discard(b"")
        return tags, {_key_id(key_hex.decode()) for key_hex in found}

    def opening_keys(self, key_ids: Collection[UUID]) -> Mapping[UUID, bytes | None]:
        """The keys' secrets read in one go (a replay's page of decisions needs thousands, which read one by one cost
        more than everything else it does), fresh from the store: the caller holds them for a page."""
        return self.key_ring.opening_keys(key_ids, fresh=True) if key_ids else _NONE

    def _opened(self, sealed: Sealed, originator_id: str, name: str, secrets: Mapping[UUID, bytes | None]) -> Any:
        if sealed.key_id is None:
            return _SHREDDED
        secret = secrets.get(sealed.key_id, _UNREAD)
        if secret is _UNREAD:
            secret = self.key_ring.opening_key(sealed.key_id)
        if secret is None:
            return _SHREDDED
        nonce, box = sealed.box[:NONCE_BYTES], sealed.box[NONCE_BYTES:]
        try:
            plain = self._cipher(sealed.key_id, secret).decrypt(nonce, box, _associated(originator_id, name))
        except InvalidTag:
            raise ValueError(f"the sealed {name} of event {originator_id} does not open: it was altered") from None
        # Most personal values hold no registered type: msgspec alone is the transcoder's result at a
        # fraction of its walk (the replay decodes every decision's profile).
        if _TAG not in plain:
            return self._parse(plain)
        return self.transcoder.decode(plain)

    def _cipher(self, key_id: UUID, secret: bytes) -> AESGCM:
        # Used only with the secret the key ring hands out now: a key destroyed since is never opened from here.
        found = self._ciphers.get(key_id)
        if found is not None and found[0] == secret:
            return found[1]
        if len(self._ciphers) >= _CIPHERS_KEPT:
            self._ciphers.clear()
        cipher = AESGCM(secret)
        self._ciphers[key_id] = (secret, cipher)
        return cipher


_SHREDDED: Any = object()
_UNREAD: Any = object()
_CIPHERS_KEPT = 10_000
