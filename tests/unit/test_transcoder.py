"""The msgspec transcoder writes exactly the library's format: events stored by either
transcoder read back the same with either, so history written before it stays readable."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)
from hypothesis import given
from hypothesis import strategies as st

from application.transcoder import MsgspecJSONTranscoder
from application.transcodings import ClientDataAsJSON
from domain.tracking.client_data import ClientData


def registered(transcoder: JSONTranscoder) -> JSONTranscoder:
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), ClientDataAsJSON()):
        transcoder.register(transcoding)
    return transcoder


LIBRARY = registered(JSONTranscoder())
FAST = registered(MsgspecJSONTranscoder())

json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)
datetimes = st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7))]))
decimals = st.decimals(allow_nan=False, allow_infinity=False)
client_data = st.dictionaries(st.text(max_size=6), json_values, max_size=4).map(ClientData)
stored_values = st.recursive(
    json_scalars | st.uuids() | datetimes | decimals | client_data,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=16,
)
# Event state as the mapper hands it over: a dict of the event's fields.
event_states = st.dictionaries(st.text(max_size=10), stored_values, max_size=8)


@given(event_states)
def test_the_same_bytes_as_the_library(state: dict[str, Any]) -> None:
    assert FAST.encode(state) == LIBRARY.encode(state)


@given(event_states)
def test_each_reads_what_the_other_wrote(state: dict[str, Any]) -> None:
    assert FAST.decode(LIBRARY.encode(state)) == state
    assert LIBRARY.decode(FAST.encode(state)) == state
    assert FAST.decode(FAST.encode(state)) == state


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_round_trip(value: float) -> None:
    # msgspec may spell a float differently (1e16 vs 1e+16); the value is the same.
    assert LIBRARY.decode(FAST.encode({"x": value})) == {"x": value}
    assert FAST.decode(LIBRARY.encode({"x": value})) == {"x": value}


def test_client_json_that_looks_like_a_tag_stays_client_json() -> None:
    sneaky = {"_type_": "uuid_hex", "_data_": UUID(int=1).hex}
    state = {"data": ClientData({"nested": sneaky})}
    decoded = FAST.decode(FAST.encode(state))
    assert decoded["data"]["nested"] == sneaky


def test_types_nobody_registered_are_refused_as_by_the_library() -> None:
    with pytest.raises(TranscodingNotRegisteredError):
        FAST.encode({"x": {1, 2}})
    with pytest.raises(TranscodingNotRegisteredError):
        FAST.decode(b'{"x":{"_type_":"nobody","_data_":1}}')


def test_typed_values_come_back_as_their_types() -> None:
    moment = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    state = {"id": UUID(int=7), "at": moment, "amount": Decimal("1.10"), "data": ClientData({"a": [1, None]})}
    decoded = FAST.decode(FAST.encode(state))
    assert decoded == state
    assert isinstance(decoded["id"], UUID) and decoded["at"] == moment and isinstance(decoded["data"], ClientData)
