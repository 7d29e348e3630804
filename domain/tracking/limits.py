"""Bounds on what one event may carry. They keep a single client from bloating
the store or a cycle's cost, and every breach is reported as a clear message."""

import json
from datetime import datetime, timedelta
from typing import Any

from domain.errors import InvalidInput

MAX_BODY_BYTES = 32 * 1024
MAX_EVENT_ID = 64
MAX_EVENT_TYPE = 128
MAX_SOURCE = 64
MAX_IDENTITY_ID = 255
MAX_GROUP_ID = 255
MAX_GROUP_TYPE = 64
MAX_GROUPS = 10
MAX_KEYS = 100
MAX_KEY_LENGTH = 128
MAX_VALUE_BYTES = 1024
MAX_FUTURE_SKEW = timedelta(hours=24)
EARLIEST_TIMESTAMP = datetime.fromisoformat("2000-01-01T00:00:00+00:00")
RESERVED_EVENT_ID_PREFIX = "dregs-"


def check_attributes(where: str, data: dict[str, Any]) -> None:
    if len(data) > MAX_KEYS:
        raise InvalidInput(f"{where} has {len(data)} keys; at most {MAX_KEYS} are allowed")
    for key, value in data.items():
        if not key or len(key) > MAX_KEY_LENGTH:
            raise InvalidInput(f"{where} keys must be 1 to {MAX_KEY_LENGTH} characters long")
        size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
        if size > MAX_VALUE_BYTES:
            raise InvalidInput(f"{where}.{key} is {size} bytes long; a value may be at most {MAX_VALUE_BYTES} bytes")


def check_timestamp(occurred_at: datetime, now: datetime) -> None:
    if occurred_at < EARLIEST_TIMESTAMP:
        raise InvalidInput("timestamp is before 2000-01-01")
    if occurred_at > now + MAX_FUTURE_SKEW:
        raise InvalidInput("timestamp is more than 24 hours in the future")


def check_event_id(event_id: str) -> None:
    if len(event_id) > MAX_EVENT_ID:
        raise InvalidInput(f"id must be at most {MAX_EVENT_ID} characters long")
    if event_id.startswith(RESERVED_EVENT_ID_PREFIX):
        raise InvalidInput("id must not start with 'dregs-': that prefix is reserved for server ids")
