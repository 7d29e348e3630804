"""Bounds on what one event may carry. They keep a single client from bloating
the store or a cycle's cost, and every breach is reported as a clear message."""

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from domain.errors import InvalidInput
from domain.text import check_storable
from domain.tracking.group_types import normalize_group_type

MAX_BODY_BYTES = 32 * 1024
MAX_EVENT_ID = 64
MAX_EVENT_TYPE = 128
MAX_SOURCE = 64
MAX_IDENTITY_ID = 255
MAX_GROUP_ID = 255
MAX_GROUP_TYPE = 64
MAX_FINGERPRINT = 128
MAX_GROUPS = 10
MAX_KEYS = 100
MAX_KEY_LENGTH = 128
MAX_VALUE_BYTES = 1024
MAX_DEPTH = 16
MAX_FUTURE_SKEW = timedelta(hours=24)
EARLIEST_TIMESTAMP = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
RESERVED_EVENT_ID_PREFIX = "dregs-"


def check_text(where: str, value: str, max_length: int) -> None:
    if not value or len(value) > max_length:
        raise InvalidInput(f"{where} must be 1 to {max_length} characters long")
    check_storable(where, value)


def _check_value(where: str, value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InvalidInput(f"{where} is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, str):
        check_storable(where, value)
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            check_storable(f"{where} keys", key)
            _check_value(f"{where}.{key}", inner, depth + 1)
    elif isinstance(value, list):
        for inner in value:
            _check_value(where, inner, depth + 1)


def _json_size(value: Any) -> int:
    """The value's size as compact JSON; exact whenever it could exceed the limit."""
    if isinstance(value, str) and len(value) * 6 + 2 <= MAX_VALUE_BYTES:
        return len(value)  # even fully escaped it fits: skip encoding it
    if value is None or isinstance(value, (bool, float)):
        return 5
    if isinstance(value, int):
        return len(str(value))
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def check_attributes(where: str, data: Mapping[str, Any]) -> None:
    if len(data) > MAX_KEYS:
        raise InvalidInput(f"{where} has {len(data)} keys; at most {MAX_KEYS} are allowed")
    for key, value in data.items():
        check_text(f"{where} keys", key, MAX_KEY_LENGTH)
        _check_value(f"{where}.{key}", value, 1)
        size = _json_size(value)
        if size > MAX_VALUE_BYTES:
            raise InvalidInput(f"{where}.{key} is {size} bytes long; a value may be at most {MAX_VALUE_BYTES} bytes")


def checked_group_type(raw: str) -> str:
    """The normalized type, which is what is stored, must itself fit the limit."""
    group_type = normalize_group_type(raw)
    if not group_type:
        raise InvalidInput(f"group type {raw!r} must contain a letter or digit")
    if len(group_type) > MAX_GROUP_TYPE:
        raise InvalidInput(f"group type {raw!r} is longer than {MAX_GROUP_TYPE} characters once normalized")
    return group_type


def check_timestamp(occurred_at: datetime, now: datetime) -> None:
    if occurred_at < EARLIEST_TIMESTAMP:
        raise InvalidInput("timestamp is before 2000-01-01")
    if occurred_at > now + MAX_FUTURE_SKEW:
        raise InvalidInput("timestamp is more than 24 hours in the future")


def check_event_id(event_id: str) -> None:
    check_text("id", event_id, MAX_EVENT_ID)
    if event_id.startswith(RESERVED_EVENT_ID_PREFIX):
        raise InvalidInput("id must not start with 'dregs-': that prefix is reserved for server ids")
