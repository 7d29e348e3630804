"""Personal fields sealed per identity (application/privacy/): what is sealed reads back exactly while its key
lives, is unreadable ciphertext in the stored state, reads as erased once the key is destroyed, and does not open
when moved to another event or field."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import msgspec
import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from application.audit.decoding import FastDecoder
from application.audit.replay import DecisionReplayer
from application.privacy.key_ring import OPENING_KEYS_KEPT_SECONDS, CachedKeyRing, InMemoryKeyRing
from application.scoring.application import ScoringApplication
from application.tracking.application import TrackingApplication
from domain.privacy.personal_data import LIFELONG, day_period, is_erased
from domain.scoring.analyzers import RULES_VERSION
from domain.scoring.datasets import Datasets
from domain.scoring.fraud_decision import FraudDecision, evaluate
from domain.scoring.profile import IdentityProfile
from domain.tracking.client_data import ClientData
from domain.tracking.tracked_event import TrackedEvent

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
client_data = st.dictionaries(st.text(max_size=10), json_values, max_size=6)


def tracked(customer: Any, identity: str | None, data: dict[str, Any], occurred: datetime = NOW) -> TrackedEvent:
    return TrackedEvent(customer_id=customer, event_id=uuid4().hex, event_type="login", data=ClientData(data),
                        identity_id=identity, identity_data=ClientData({"email": "ada@example.com"}), groups=[],
                        source=None, occurred_at=occurred, received_at=occurred, credential_id=None,
                        client=ClientData({"ip": "203.0.113.9"}))  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(data=client_data)
def test_what_is_sealed_reads_back_exactly_and_is_not_in_the_stored_state(data: dict[str, Any]) -> None:
    app = TrackingApplication()
    (event,) = tracked(uuid4(), "u1", {"note": "a secret note", **data}).collect_events()
    stored = app.mapper.to_stored_event(event)
    assert b"a secret note" not in stored.state and b"203.0.113.9" not in stored.state
    assert b"ada@example.com" not in stored.state
    back = app.mapper.to_domain_event(stored)
    assert dict(back.data) == {"note": "a secret note", **data}  # type: ignore[attr-defined]
    assert dict(back.identity_data) == {"email": "ada@example.com"} and not is_erased(back)  # type: ignore[attr-defined]


def test_an_event_about_no_identity_is_stored_as_it_is() -> None:
    app = TrackingApplication()
    (event,) = tracked(uuid4(), None, {"note": "anonymous"}).collect_events()
    assert b"anonymous" in app.mapper.to_stored_event(event).state


def test_erasing_makes_every_field_read_as_erased_and_later_events_are_stored_shredded() -> None:
    ring = InMemoryKeyRing()
    app = TrackingApplication(key_ring=ring)
    customer = uuid4()
    (event,) = tracked(customer, "u1", {"note": "x"}).collect_events()
    (other,) = tracked(customer, "u2", {"note": "y"}).collect_events()
    stored, kept = app.mapper.to_stored_event(event), app.mapper.to_stored_event(other)
    assert ring.erase(customer, "u1", NOW) is True
    assert ring.erase(customer, "u1", NOW) is False  # idempotent
    back = app.mapper.to_domain_event(stored)
    assert is_erased(back) and dict(back.data) == {} and back.client is None  # type: ignore[attr-defined]
    assert dict(back.identity_data) == {} and back.event_type == "login"  # type: ignore[attr-defined]
    assert dict(app.mapper.to_domain_event(kept).data) == {"note": "y"}  # type: ignore[attr-defined]
    (late,) = tracked(customer, "u1", {"note": "after"}).collect_events()
    assert is_erased(app.mapper.to_domain_event(app.mapper.to_stored_event(late)))


def test_expiring_shreds_the_days_before_and_keeps_the_identity_s_attributes() -> None:
    ring = InMemoryKeyRing()
    app = TrackingApplication(key_ring=ring)
    customer = uuid4()
    old, new = NOW - timedelta(days=40), NOW - timedelta(days=1)
    stored = [
        app.mapper.to_stored_event(tracked(customer, "u1", {"n": d.day}, d).collect_events()[0]) for d in (old, new)
    ]
    assert ring.expire(customer, day_period(NOW - timedelta(days=30)), NOW) == 1
    old_back, new_back = (app.mapper.to_domain_event(s) for s in stored)
    assert is_erased(old_back) and dict(old_back.data) == {}  # type: ignore[attr-defined]
    assert dict(old_back.identity_data) == {"email": "ada@example.com"}  # type: ignore[attr-defined] - lifelong
    assert not is_erased(new_back) and dict(new_back.data) == {"n": new.day}  # type: ignore[attr-defined]


def test_a_sealed_value_moved_to_another_event_does_not_open() -> None:
    app = TrackingApplication()
    customer = uuid4()
    first, second = (app.mapper.to_stored_event(tracked(customer, "u1", {"k": i}).collect_events()[0]) for i in (1, 2))
    swapped = StoredEvent(second.originator_id, second.originator_version, second.topic, first.state)
    with pytest.raises(ValueError, match="does not open"):
        app.mapper.to_domain_event(swapped)


def test_a_process_forgets_an_opening_key_within_the_time_erasure_waits() -> None:
    clock = [0.0]
    ring = InMemoryKeyRing()
    here, elsewhere = CachedKeyRing(ring, clock=lambda: clock[0]), CachedKeyRing(ring, clock=lambda: clock[0])
    customer = uuid4()
    key = here.sealing_key(customer, "u1", LIFELONG)
    assert key is not None and elsewhere.opening_key(key.key_id) == key.secret
    here.erase(customer, "u1", NOW)
    assert here.opening_key(key.key_id) is None  # the process that erased forgets at once
    assert elsewhere.opening_key(key.key_id) == key.secret  # another still holds it for a moment
    clock[0] += OPENING_KEYS_KEPT_SECONDS
    assert elsewhere.opening_key(key.key_id) is None
    assert here.sealing_key(customer, "u1", day_period(NOW)) is None  # nothing new is sealed for it


class CountingRing(InMemoryKeyRing):
    def __init__(self) -> None:
        super().__init__()
        self.reads: list[int] = []  # keys asked for, a read of the store each

    def opening_key(self, key_id: Any) -> bytes | None:
        self.reads.append(1)
        return super().opening_key(key_id)

    def opening_keys(self, key_ids: Any, *, fresh: bool = False) -> dict[Any, bytes | None]:
        self.reads.append(len(key_ids))
        return super().opening_keys(key_ids)


def test_a_page_reads_its_keys_at_once_and_decodes_as_the_mapper_does() -> None:
    ring = CountingRing()
    app = TrackingApplication(key_ring=ring)
    customer = uuid4()
    events = [tracked(customer, f"u{i % 7}", {"n": i}).collect_events()[0] for i in range(40)]
    stored = [app.mapper.to_stored_event(e) for e in events]
    ring.erase(customer, "u3", NOW)
    ring.reads.clear()
    decoded = list(FastDecoder(app.mapper).page(stored))
    assert ring.reads == [14]  # the seven identities' keys (their attributes' and the day's), in one read
    for got, s in zip(decoded, stored, strict=True):
        want = app.mapper.to_domain_event(s)
        assert type(got) is type(want) and vars(got) == vars(want)
    assert [is_erased(e) for e in decoded] == [i % 7 == 3 for i in range(40)]
    assert dict(decoded[1].data) == {"n": 1} and dict(decoded[3].data) == {}  # type: ignore[union-attr]


def test_an_altered_event_in_a_page_is_its_error_and_the_others_decode() -> None:
    app = TrackingApplication()
    customer = uuid4()
    stored = [app.mapper.to_stored_event(tracked(customer, "u1", {"k": i}).collect_events()[0]) for i in range(3)]
    stored[1] = StoredEvent(stored[1].originator_id, stored[1].originator_version, stored[1].topic, stored[0].state)
    first, moved, last = FastDecoder(app.mapper).page(stored)
    assert isinstance(moved, ValueError) and "does not open" in str(moved)
    assert dict(first.data) == {"k": 0} and dict(last.data) == {"k": 2}  # type: ignore[union-attr]


KEY_HEX = [uuid4().hex for _ in range(3)]
tagged = st.builds(
    lambda name, data: {"_type_": name, "_data_": data},
    st.sampled_from(["sealed", "uuid_hex", "_type_"]),
    st.sampled_from([f"{k}.QUJD" for k in KEY_HEX] + [KEY_HEX[0], "", "_type_", "sealed"]),
)
json_with_tags = st.recursive(
    tagged | st.sampled_from(["_type_", "sealed", '"_type_"', "x"]) | st.integers(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["_type_", "_data_", "sealed", "k"]), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(json_with_tags, min_size=1, max_size=3))
def test_one_pass_over_the_bytes_counts_every_tag_and_finds_every_sealed_key(values: list[Any]) -> None:
    states = [msgspec.json.encode(value) for value in values]  # as the transcoder writes: compact
    tags, key_ids = TrackingApplication().mapper.tags_and_key_ids(states)  # type: ignore[attr-defined]
    assert tags == [state.count(b'"_type_"') for state in states]
    sealed = rb'"_type_":"sealed","_data_":"([0-9a-f]{32})\.'
    assert key_ids == {UUID(k.decode()) for state in states for k in re.findall(sealed, state)}


def test_the_keys_found_in_stored_events_are_those_they_were_sealed_under() -> None:
    ring = InMemoryKeyRing()
    app = TrackingApplication(key_ring=ring)
    customer = uuid4()
    events = [tracked(customer, i, {"_type_": "x"}).collect_events()[0] for i in ("u1", None, "u2")]
    states = [app.mapper.to_stored_event(e).state for e in events]
    tags, key_ids = app.mapper.tags_and_key_ids(states)  # type: ignore[attr-defined]
    assert tags == [state.count(b'"_type_"') for state in states]
    owners = [(customer, i, p) for i in ("u1", "u2") for p in (LIFELONG, day_period(NOW))]
    assert key_ids == {k.key_id for k in ring.sealing_keys(owners).values() if k is not None}


def test_a_sealed_value_that_is_not_base64_is_its_event_s_error() -> None:
    app = TrackingApplication()
    customer = uuid4()
    stored = [app.mapper.to_stored_event(tracked(customer, "u1", {"k": i}).collect_events()[0]) for i in range(3)]
    broken = re.sub(rb'("_type_":"sealed","_data_":"[0-9a-f]{32}\.)', rb"\1*", stored[1].state, count=1)
    stored[1] = StoredEvent(stored[1].originator_id, stored[1].originator_version, stored[1].topic, broken)
    first, bad, last = FastDecoder(app.mapper).page(stored)
    assert isinstance(bad, ValueError) and "not a key id and base64" in str(bad)
    assert dict(first.data) == {"k": 0} and dict(last.data) == {"k": 2}  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="not a key id and base64"):
        app.mapper.to_domain_event(stored[1])


def test_a_cached_ring_reads_only_the_keys_it_does_not_hold_fresh() -> None:
    clock = [0.0]
    ring = CountingRing()
    cached = CachedKeyRing(ring, clock=lambda: clock[0])
    customer = uuid4()
    keys = [ring.sealing_key(customer, f"u{i}", LIFELONG) for i in range(4)]
    ids = [k.key_id for k in keys if k is not None]
    unknown = uuid4()
    assert cached.opening_keys(ids[:2]) == {k.key_id: k.secret for k in keys[:2] if k is not None}
    assert cached.opening_keys([*ids, unknown]) == {**{k.key_id: k.secret for k in keys if k}, unknown: None}
    assert ring.reads == [2, 3]  # the two it held were not read again
    clock[0] += OPENING_KEYS_KEPT_SECONDS
    ring.erase(customer, "u0", NOW)
    assert cached.opening_keys(ids[:1]) == {ids[0]: None} and ring.reads[-1] == 1  # held no longer than erasure waits


def decided(customer: Any, cycle: int, profile: IdentityProfile) -> FraudDecision:
    evaluation = evaluate(profile, Datasets({}, "shipped"))
    return FraudDecision.from_evaluation(customer, cycle, profile, evaluation, started_at=NOW, finished_at=NOW,
                                         inputs_position=cycle, rules_version=RULES_VERSION,
                                         datasets_version="shipped+c0", mappings_version="m")  # fmt: skip


def test_sealed_decisions_decode_on_the_fast_path_with_a_page_s_keys_read_once() -> None:
    ring = CountingRing()
    app = ScoringApplication(key_ring=ring)
    customer = uuid4()
    profiles = [IdentityProfile(f"u{n % 5}", {"EMAIL": f"u{n % 5}@example.com"}) for n in range(20)]
    app.save(*(decided(customer, n, p) for n, p in enumerate(profiles, start=1)))
    stored = list(app.recorder.select_notifications(1, 100))
    assert all(b"@example.com" not in s.state for s in stored)
    ring.reads.clear()
    slow: list[Any] = []
    decoder = FastDecoder(app.mapper)
    decoder._slow = lambda s, secrets: slow.append(s) or app.mapper.to_opened_event(s, secrets)  # noqa: SLF001
    decoded = list(decoder.page(stored))
    assert ring.reads == [5] and slow == []  # the five identities' day keys at once; none left to the mapper
    for got, s in zip(decoded, stored, strict=True):
        assert vars(got) == vars(app.mapper.to_domain_event(s))
    assert decoded[0].profile == profiles[0].to_dict()  # type: ignore[union-attr]


def test_a_page_taken_slowly_reads_its_keys_again_and_sees_an_erasure() -> None:
    ring = InMemoryKeyRing()
    app = TrackingApplication(key_ring=ring)
    customer = uuid4()
    stored = [app.mapper.to_stored_event(tracked(customer, "u1", {"k": i}).collect_events()[0]) for i in range(3)]
    clock = [0.0]
    page = FastDecoder(app.mapper, clock=lambda: clock[0]).page(stored)
    first = next(page)
    ring.erase(customer, "u1", NOW)  # erased while the page is being taken
    second = next(page)  # within the time a process may hold a key: still opens, as anywhere else
    clock[0] += OPENING_KEYS_KEPT_SECONDS
    third = next(page)
    assert not is_erased(first) and not is_erased(second) and is_erased(third)


def test_a_page_holds_keys_no_longer_than_a_process_may_counting_the_key_ring_s_cache() -> None:
    clock = [0.0]
    ring = InMemoryKeyRing()
    app = TrackingApplication(key_ring=CachedKeyRing(ring, clock=lambda: clock[0]))
    customer = uuid4()
    stored = [app.mapper.to_stored_event(tracked(customer, "u1", {"k": i}).collect_events()[0]) for i in range(2)]
    decoder = FastDecoder(app.mapper, clock=lambda: clock[0])
    assert not any(is_erased(e) for e in decoder.page(stored))  # the keys now held by the cached ring too
    ring.erase(customer, "u1", NOW)  # by another process: this one's cache does not know
    clock[0] = OPENING_KEYS_KEPT_SECONDS * 0.9
    scan = decoder.scan(stored)  # read from the store, not the cache: already destroyed
    assert all(is_erased(e) for e in decoder.page(stored, scan))


def test_a_page_scanned_ahead_and_taken_late_reads_its_keys_again() -> None:
    ring = InMemoryKeyRing()
    app = TrackingApplication(key_ring=ring)
    customer = uuid4()
    stored = [app.mapper.to_stored_event(tracked(customer, "u1", {"k": i}).collect_events()[0]) for i in range(2)]
    clock = [0.0]
    decoder = FastDecoder(app.mapper, clock=lambda: clock[0])
    scan = decoder.scan(stored)
    ring.erase(customer, "u1", NOW)
    clock[0] += OPENING_KEYS_KEPT_SECONDS
    assert all(is_erased(e) for e in decoder.page(stored, scan))
    with pytest.raises(ValueError, match="a scan of 2 events for a page of 1"):
        next(decoder.page(stored[:1], scan))


class Other(Aggregate):
    """Something else the Scoring log holds (as it holds reviews): read, counted, not decoded."""

    def __init__(self, n: int) -> None:
        self.n = n


@pytest.mark.parametrize("page_size", [1, 2, 3, 100])
def test_a_replay_over_pages_of_any_size_with_other_events_between_verifies_every_decision(page_size: int) -> None:
    ring = CountingRing()
    app = ScoringApplication(key_ring=ring)
    customer = uuid4()
    for n in range(1, 8):
        app.save(decided(customer, n, IdentityProfile(f"u{n % 3}", {"EMAIL": f"u{n % 3}@example.com"})))
        app.save(*[Other(n) for _ in range(n % 3)])
    summary = DecisionReplayer(app.recorder, app.mapper, Datasets({}, "shipped"), page_size=page_size).run()
    assert (summary.verified, summary.not_replayable, summary.unreadable) == (7, 0, [])
    assert summary.events_read == 7 + sum(n % 3 for n in range(1, 8)) and summary.events_decoded == 7


class UnreadableRing(InMemoryKeyRing):
    def opening_keys(self, key_ids: Any, *, fresh: bool = False) -> dict[Any, bytes | None]:
        raise ConnectionError("the key store is down")


def test_a_replay_stops_when_the_key_store_cannot_be_read() -> None:
    app = ScoringApplication(key_ring=UnreadableRing())
    profile = IdentityProfile("u1", {"EMAIL": "u1@example.com"})
    app.save(decided(uuid4(), 1, profile))
    replayer = DecisionReplayer(app.recorder, app.mapper, Datasets({}, "shipped"))
    with pytest.raises(ConnectionError):
        replayer.run()  # an outage is not an unreadable decision: nothing is counted as not replayable


class MakingRing(InMemoryKeyRing):
    def __init__(self) -> None:
        super().__init__()
        self.asked: list[int] = []  # owners asked for, a call each

    def sealing_keys(self, owners: Any) -> dict[Any, Any]:
        self.asked.append(len(owners))
        return super().sealing_keys(owners)


def test_a_batch_of_new_identities_events_makes_its_keys_together() -> None:
    ring = MakingRing()
    app = TrackingApplication(key_ring=CachedKeyRing(ring))
    customer = uuid4()
    events = [tracked(customer, f"u{n % 10}", {"n": n}).collect_events()[0] for n in range(30)]
    app.record_new(events)
    assert ring.asked == [20]  # ten identities' lifelong and day keys, in one call; sealing found them cached
    back = [app.mapper.to_domain_event(s) for s in app.recorder.select_notifications(1, 100)]
    assert [dict(e.data) for e in back] == [{"n": n} for n in range(30)]  # type: ignore[attr-defined]
    app.record_new([tracked(customer, "u1", {"n": 30}).collect_events()[0]])
    assert ring.asked == [20]  # known keys: not asked again
