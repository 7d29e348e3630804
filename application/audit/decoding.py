"""Stored events decoded as the application's mapper decodes them, in a fraction of its time.

The transcoder (application/transcoder.py) has msgspec parse the JSON, then walks every dict and list of it in
Python to turn `{"_type_": …, "_data_": …}` back into the registered types. A decision's state is ~4 KB, most of
it the profile: the walk cost three times what parsing did (18,000 against 70,000 decisions per CPU-second,
bench/audit_replay.py's log). Yet a decision's tagged values are its top-level ones (the team's UUID, its
times): when the state holds no other `"_type_"` than theirs, untagging those few is the whole walk. Anything
else (a tag deeper down, a cipher or compressor, an upcast class version, a state that is not a JSON object)
goes through the mapper itself, so the result is the mapper's in every case."""

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import msgspec
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, find_id_convertor
from eventsourcing.utils import resolve_topic

from application.privacy.key_ring import OPENING_KEYS_KEPT_SECONDS

_TAG = b'"_type_"'


class _Kind:
    """What the decoder knows of one topic: its class, how its originator id converts, and which top-level keys
    held tags so far (looked at first: a decision's four, rather than each of its keys in turn)."""

    def __init__(self, cls: type, convert_id: Callable[[Any], Any]) -> None:
        self.cls = cls
        self.convert_id = convert_id
        self.tagged: tuple[str, ...] = ()


class PageScan(NamedTuple):
    """What one pass over a page's stored bytes found: each state's count of tags, and the keys its sealed fields
    need, with their secrets read at `read_at` (the decoder's clock)."""

    tags: Sequence[int]
    key_ids: set[Any]
    secrets: Mapping[Any, bytes | None]
    read_at: float


class FastDecoder:
    def __init__(self, mapper: Mapper[Any], clock: Callable[[], float] = time.monotonic) -> None:
        self._mapper = mapper
        self._clock = clock
        self._parse = msgspec.json.Decoder().decode
        names = getattr(mapper.transcoder, "names", None)  # the JSON transcoder's registered types by name
        self._fast = mapper.cipher is None and mapper.compressor is None and names is not None
        self._decoders: dict[str, Callable[[Any], Any]] = {}
        for name, transcoding in (names or {}).items():
            decode = transcoding.decode
            # A team's id recurs in each of its events, and uuid.UUID() parses in Python: each hex once.
            self._decoders[name] = _remembered(decode) if name == "uuid_hex" else decode
        self._kinds: dict[tuple[str, type], _Kind | None] = {}
        # The sealing mapper's second step (application/privacy/sealing_mapper.py): personal fields opened, with
        # the keys of a whole page read at once.
        self._open: Callable[[Any, Any], None] = getattr(mapper, "open_fields", lambda *_: None)
        self._tags_and_key_ids: Callable[[list[bytes]], tuple[list[int], set[Any]]] = getattr(
            mapper, "tags_and_key_ids", lambda states: ([state.count(_TAG) for state in states], set())
        )
        self._opening_keys: Callable[[set[Any]], Mapping[Any, bytes | None]] = getattr(
            mapper, "opening_keys", lambda _: {}
        )
        self._slow: Callable[[StoredEvent, Any], Any] = getattr(
            mapper, "to_opened_event", lambda stored, _: mapper.to_domain_event(stored)
        )

    def scan(self, stored_events: Sequence[StoredEvent]) -> PageScan:
        """What page() needs to know of these events' bytes before decoding them, their keys read at once. It
        may be called in another thread than page()'s: the replay scans the next page as it reads it, so the
        keys' round trip is not waited for."""
        if not self._fast:
            return PageScan((), set(), {}, self._clock())
        tags, key_ids = self._tags_and_key_ids([stored.state for stored in stored_events])
        read_at = self._clock()  # before the read: a key is held no longer than it may be from when it was asked
        return PageScan(tags, key_ids, self._opening_keys(key_ids), read_at)

    def each(self, stored_events: Sequence[StoredEvent]) -> Iterator[DomainEventProtocol[Any]]:
        """As page(), raising the first error."""
        for found in self.page(stored_events):
            if isinstance(found, Exception):
                raise found
            yield found

    def page(
        self, stored_events: Sequence[StoredEvent], scan: PageScan | None = None
    ) -> Iterator[DomainEventProtocol[Any] | Exception]:
        """Each stored event decoded, or the error that stopped it (the mapper's, or a sealed field altered), in
        order; `scan`: theirs, if already made. The keys of their sealed fields are read for all of them at
        once, and read again should the consumer take longer than a process may hold a key
        (OPENING_KEYS_KEPT_SECONDS): what an erasure destroyed is unreadable here as soon as anywhere. A key
        store that cannot be read raises: an outage says nothing of the events."""
        scan = self.scan(stored_events) if scan is None else scan
        if self._fast and len(scan.tags) != len(stored_events):
            raise ValueError(f"a scan of {len(scan.tags)} events for a page of {len(stored_events)}")
        secrets, read_at = scan.secrets, scan.read_at
        for i, stored in enumerate(stored_events):
            if self._fast and self._clock() - read_at >= OPENING_KEYS_KEPT_SECONDS:
                read_at = self._clock()
                secrets = self._opening_keys(scan.key_ids)
            try:
                event = self._decoded(stored, scan.tags[i]) if self._fast else None
                if event is None:
                    yield self._slow(stored, secrets)
                else:
                    self._open(event, secrets)
                    yield event
            except Exception as exc:  # noqa: BLE001 - the caller decides what an undecodable event means
                yield exc

    def _decoded(self, stored: StoredEvent, tags: int) -> DomainEventProtocol[Any] | None:
        kind = self._kind(stored.topic, type(stored.originator_id))
        if kind is None:
            return None
        state = stored.state
        try:
            found = self._parse(state)
        except msgspec.DecodeError:
            return None  # the mapper raises its own error for it
        if type(found) is not dict:
            return None
        if tags:
            for key in kind.tagged:
                untagged = self._untagged(found.get(key))
                if untagged is not _NOT_A_TAG:
                    found[key] = untagged
                    tags -= 1
            if tags:
                # Keys not seen tagged before: each looked at, and remembered.
                for key, value in found.items():
                    untagged = self._untagged(value)
                    if untagged is not _NOT_A_TAG:
                        found[key] = untagged
                        kind.tagged += (key,)
                        tags -= 1
                        if not tags:
                            break
                else:
                    return None  # a tag deeper down (or a key or text like one): the mapper's walk sees to it
        if "class_version" in found:
            return None  # upcasting is the mapper's
        found["originator_id"] = kind.convert_id(stored.originator_id)
        found["originator_version"] = stored.originator_version
        event = object.__new__(kind.cls)
        object.__setattr__(event, "__dict__", found)
        return event  # its sealed fields still sealed: opened by page()

    def _untagged(self, value: Any) -> Any:
        """The registered type a top-level `{"_type_": …, "_data_": …}` stands for; _NOT_A_TAG for any other value,
        and for a tag whose data holds more (the mapper's bottom-up walk would decode that first)."""
        if type(value) is not dict or len(value) != 2 or "_data_" not in value:
            return _NOT_A_TAG
        name, data = value.get("_type_"), value.get("_data_")
        decode = self._decoders.get(name) if type(name) is str else None
        if decode is None or type(data) in (dict, list):
            return _NOT_A_TAG
        return decode(data)

    def _kind(self, topic: str, id_type: type) -> _Kind | None:
        key = (topic, id_type)
        if key not in self._kinds:
            cls = resolve_topic(topic)
            fits = isinstance(cls, type) and getattr(cls, "class_version", 1) == 1
            self._kinds[key] = _Kind(cls, find_id_convertor(cls, id_type)) if fits else None
        return self._kinds[key]


_NOT_A_TAG: Any = object()
_REMEMBERED = 100_000


def _remembered(decode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    seen: dict[Any, Any] = {}

    def decoded(data: Any) -> Any:
        found = seen.get(data)
        if found is None:
            if len(seen) >= _REMEMBERED:
                seen.clear()
            found = seen[data] = decode(data)
        return found

    return decoded
